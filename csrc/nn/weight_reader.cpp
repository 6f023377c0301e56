#include "weight_reader.h"

#include <cmath>
#include <cstdint>

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

void Linear::apply(const float* x, float* y, int m, ThreadPool* pool) const {
    if (raw) linear_rowmajor(x, raw, bias(), y, m, in, out, false, pool);
    else linear_packed(x, w, bias(), y, m, pool);
}

void Linear::apply_acc(const float* x, float* y, int m, ThreadPool* pool) const {
    if (raw) linear_rowmajor(x, raw, bias(), y, m, in, out, true, pool);
    else linear_packed_acc(x, w, bias(), y, m, pool);
}

bool WeightReader::linear(const std::string& key, int in, int out, bool bias, Linear& l, std::string& err) {
    const TensorView* t = st_.find(key + ".weight");
    if (in_place_ && t && t->dtype == DType::F32 && reinterpret_cast<std::uintptr_t>(t->data) % alignof(float) == 0 &&
        t->shape == std::vector<std::int64_t>{out, in}) {
        used_.insert(key + ".weight");
        // Not scanned for NaN / Inf: that would read the whole tensor from disk at load, which the
        // in-place route exists to avoid (packed and converted tensors are checked as they are read).
        const float* p = reinterpret_cast<const float*>(t->data);
        if (bias && !f32(key + ".bias", {out}, l.b, err)) return false;
        if (!bias) l.b.clear();
        l.raw = p;
        l.w = PackedW();
        l.in = in;
        l.out = out;
        return true;
    }
    l.raw = nullptr;
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
