// What the C API's translation units share: the HRTF handle's definition and the error-string
// helpers (no exception crosses the C boundary; messages go to the caller's err buffer).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>

#include "dsp/hrtf_set.h"

struct bewo_hrtf {
    std::shared_ptr<const bewo::HrtfSet> set;
};

namespace bewo::capi {

inline void set_err(char* err, std::size_t err_size, const std::string& msg) {
    if (!err || err_size == 0) return;
    const std::size_t n = std::min(msg.size(), err_size - 1);
    std::memcpy(err, msg.data(), n);
    err[n] = '\0';
}

inline int fail(char* err, std::size_t err_size, int code, const std::string& msg) {
    set_err(err, err_size, msg);
    return code;
}

}  // namespace bewo::capi
