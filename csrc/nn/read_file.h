// A whole file into a string (config.json, model_config.json): false when it cannot be read.
#pragma once
#include <fstream>
#include <sstream>
#include <string>

namespace bewo::nn {

inline bool read_text_file(const std::string& path, std::string& out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    std::ostringstream s;
    s << f.rdbuf();
    out = s.str();
    return true;
}

}  // namespace bewo::nn
