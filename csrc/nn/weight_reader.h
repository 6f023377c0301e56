// Strict reading of a model's tensors from a safetensors file: each read checks the shape, every
// error names the file and the key, and the keys never read are listed afterwards (a checkpoint
// with tensors the architecture does not explain is reported, not silently accepted).
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "ops.h"
#include "safetensors.h"

namespace bewo::nn {

// A linear layer (weights (out, in) in PyTorch's layout), bias optional: either used in place
// (raw: an fp32 tensor inside a memory-mapped file, packed block by block as the GEMM runs) or
// packed once for linear_packed (w).
struct Linear {
    PackedW w;
    const float* raw = nullptr;
    std::vector<float> b;
    int in = 0, out = 0;
    const float* bias() const { return b.empty() ? nullptr : b.data(); }
    void apply(const float* x, float* y, int m, ThreadPool* pool) const;      // y = x W^T + b
    void apply_acc(const float* x, float* y, int m, ThreadPool* pool) const;  // y += x W^T + b
    // W (out, in) row-major, wherever it lives (uploads to another device).
    void row_major(std::vector<float>& W) const {
        if (raw) W.assign(raw, raw + static_cast<std::size_t>(out) * in);
        else unpack_weights(this->w, W);
    }
};

class WeightReader {
public:
    WeightReader(const SafeTensors& st, std::string file) : st_(st), file_(std::move(file)) {}
    // The tensor as fp32, its shape checked; false + err "FILE: tensor "key" ...".
    bool f32(const std::string& key, const std::vector<std::int64_t>& shape, std::vector<float>& out, std::string& err);
    bool has(const std::string& key) const { return st_.find(key) != nullptr; }
    const std::vector<std::int64_t>* shape(const std::string& key) const;
    // nn.Linear `key`.weight (out, in) [+ `key`.bias (out)]: used in place when in_place() is on
    // and the tensor is fp32 (the file must then outlive the layer), else packed.
    bool linear(const std::string& key, int in, int out, bool bias, Linear& l, std::string& err);
    void set_in_place(bool on) { in_place_ = on; }
    // Marks keys as known without reading them (buffers the math does not need).
    void ignore(const std::string& key) { used_.insert(key); }
    void ignore_prefix(const std::string& prefix);
    // Keys of the file never read nor ignored.
    std::vector<std::string> unused() const;
    const std::string& file() const { return file_; }

private:
    const SafeTensors& st_;
    std::string file_;
    std::set<std::string> used_;
    bool in_place_ = false;
};

}  // namespace bewo::nn
