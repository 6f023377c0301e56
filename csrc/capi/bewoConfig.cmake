# find_package(bewo CONFIG) support: point bewo_DIR (or CMAKE_PREFIX_PATH) at
# $(python -c "import bewo_rt; print(bewo_rt.get_cmake_dir())").
get_filename_component(_bewo_root "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET bewo::bewo)
  add_library(bewo::bewo SHARED IMPORTED)
  set_target_properties(bewo::bewo PROPERTIES
    IMPORTED_LOCATION "${_bewo_root}/lib/libbewo.so"
    INTERFACE_INCLUDE_DIRECTORIES "${_bewo_root}/include")
endif()
set(bewo_FOUND TRUE)
