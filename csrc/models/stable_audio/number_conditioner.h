// stable-audio-tools' NumberConditioner: clamp and normalise a float to [0, 1], then
// [n, sin(2 pi n w), cos(2 pi n w)] through Linear(1 + 2 half -> output_dim).
#pragma once
#include <string>
#include <vector>

#include "../../nn/weight_reader.h"
#include "sa_config.h"

namespace bewo::sa {

struct NumberConditioner {
    ConditionerSpec spec;
    std::vector<float> freqs;  // (half)
    std::vector<float> W, b;   // (out, 1 + 2 half), (out)
    bool load(nn::WeightReader& w, const ConditionerSpec& s, std::string& err);
    // out: (output_dim) for one value.
    void embed(double value, float* out) const;
};

}  // namespace bewo::sa
