#include "weight_reader.h"

namespace bewo::nn {

bool WeightReader::f32(const std::string& key, const std::vector<std::int64_t>& shape, std::vector<float>& out,
                       std::string& err) {
    used_.insert(key);
    if (!st_.get_f32(key, shape, out, err)) {
        err = file_ + ": " + err;
        return false;
    }
    st_.release(*st_.find(key));  // the caller keeps its own copy (packed or converted)
    return true;
}

const std::vector<std::int64_t>* WeightReader::shape(const std::string& key) const {
    const TensorView* t = st_.find(key);
    return t ? &t->shape : nullptr;
}

bool WeightReader::linear(const std::string& key, int in, int out, bool bias, Linear& l, std::string& err) {
    std::vector<float> w;
    if (!f32(key + ".weight", {out, in}, w, err)) return false;
    if (bias && !f32(key + ".bias", {out}, l.b, err)) return false;
    if (!bias) l.b.clear();
    l.in = in;
    l.out = out;
    pack_weights(w.data(), in, out, l.w);
    return true;
}

void WeightReader::ignore_prefix(const std::string& prefix) {
    for (const auto& kv : st_.tensors())
        if (kv.first.compare(0, prefix.size(), prefix) == 0) used_.insert(kv.first);
}

std::vector<std::string> WeightReader::unused() const {
    std::vector<std::string> out;
    for (const auto& kv : st_.tensors())
        if (!used_.count(kv.first)) out.push_back(kv.first);
    return out;
}

}  // namespace bewo::nn
