// Fuzz target: SafeTensors::open_memory (header length, JSON header, dtypes, shapes, offsets,
// overlaps) and get_f32 on every tensor it accepts. libFuzzer entry point; fuzz/driver.cpp runs
// it without libFuzzer (g++).
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nn/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace bewo::nn;
    SafeTensors st;
    std::string err;
    if (!st.open_memory(data, size, err)) {
        if (err.empty()) __builtin_trap();  // a refusal must say why
        return 0;
    }
    SafeTensors moved(std::move(st));  // the views must follow the owned buffer
    std::vector<float> out;
    for (const auto& kv : moved.tensors()) {
        const TensorView& t = kv.second;
        // Touch every byte of the span (ASan checks it lies inside the owned copy).
        volatile std::uint8_t acc = 0;
        for (std::size_t i = 0; i < t.bytes; ++i) acc ^= t.data[i];
        (void)acc;
        std::string e;
        if (moved.get_f32(kv.first, t.shape, out, e) && out.size() != t.numel()) __builtin_trap();
        moved.get_f32(kv.first, {1, 2, 3}, out, e);
    }
    for (const auto& kv : moved.metadata()) (void)kv.second.size();
    return 0;
}
