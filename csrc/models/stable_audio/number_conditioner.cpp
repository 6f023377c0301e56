#include "number_conditioner.h"

#include <algorithm>
#include <cmath>

namespace bewo::sa {

bool NumberConditioner::load(nn::WeightReader& w, const ConditionerSpec& s, std::string& err) {
    spec = s;
    const std::string p = "conditioner.conditioners." + s.id + ".embedder.embedding.";
    const auto* fs = w.shape(p + "0.weights");
    if (!fs || fs->size() != 1) {
        err = w.file() + ": tensor \"" + p + "0.weights\" is missing or not 1-D";
        return false;
    }
    const int half = static_cast<int>((*fs)[0]);
    return w.f32(p + "0.weights", {half}, freqs, err) && w.f32(p + "1.weight", {s.output_dim, 1 + 2 * half}, W, err) &&
           w.f32(p + "1.bias", {s.output_dim}, b, err);
}

void NumberConditioner::embed(double value, float* out) const {
    const double v = std::clamp(value, spec.min_val, spec.max_val);
    const float n = static_cast<float>((v - spec.min_val) / (spec.max_val - spec.min_val));
    const int half = static_cast<int>(freqs.size()), in = 1 + 2 * half;
    std::vector<float> f(in);
    f[0] = n;
    for (int i = 0; i < half; ++i) {
        const float a = n * freqs[i] * 2.0f * static_cast<float>(M_PI);
        f[1 + i] = std::sin(a);
        f[1 + half + i] = std::cos(a);
    }
    for (int o = 0; o < spec.output_dim; ++o) {
        double acc = b[o];
        const float* wr = W.data() + static_cast<std::size_t>(o) * in;
        for (int i = 0; i < in; ++i) acc += double(wr[i]) * f[i];
        out[o] = static_cast<float>(acc);
    }
}

}  // namespace bewo::sa
