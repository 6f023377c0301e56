// The T5 encoder (t5.h semantics) on an NVIDIA GPU: the tensor-core / fp32 GEMM of gemm_cuda.cuh
// (ReLU or GELU-gated epilogues), RMSNorm, and an attention kernel with T5's relative position
// bias and key mask (no 1/sqrt(d) scaling). Activations fp32, weights fp32 / fp16 / bf16.
// Without CUDA (t5_cuda_stub.cpp) every call fails with "CUDA backend not compiled".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../../cuda/nn_cuda.h"
#include "t5.h"

namespace bewo::sa {

class T5Cuda {
public:
    T5Cuda();
    ~T5Cuda();
    T5Cuda(const T5Cuda&) = delete;
    T5Cuda& operator=(const T5Cuda&) = delete;

    bool upload(const T5Encoder& t5, cuda_nn::DType dtype, std::string& err);
    bool ready() const;
    // As T5Encoder::encode, with ids already checked and bias = t5.position_bias(n).
    bool encode(const std::int32_t* ids, const std::uint8_t* mask, int batch, int n, const std::vector<float>& bias,
                std::vector<float>& out, std::string& err);

    struct Impl;

private:
    Impl* impl_ = nullptr;
};

}  // namespace bewo::sa
