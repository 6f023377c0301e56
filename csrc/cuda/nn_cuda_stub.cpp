// Built when nvcc is not available: the CUDA model kernels report the backend as absent.
#include "nn_cuda.h"

namespace bewo::cuda_nn {

namespace {
const char* const kNoCuda = "CUDA backend not compiled";
}

bool parse_dtype(const std::string& s, DType* out) {
    if (s == "fp32" || s == "float32" || s == "f32") *out = DType::F32;
    else if (s == "fp16" || s == "float16" || s == "half" || s == "f16") *out = DType::F16;
    else if (s == "bf16" || s == "bfloat16") *out = DType::BF16;
    else return false;
    return true;
}

const char* dtype_name(DType d) {
    switch (d) {
        case DType::F32: return "fp32";
        case DType::F16: return "fp16";
        case DType::BF16: return "bf16";
    }
    return "?";
}

bool attention_tc_supports(int) { return false; }
std::string attention_launch(const AttentionArgs&, void*) { return kNoCuda; }
std::string sampler_step_launch(const float*, const float*, const float*, const float*, float*, float*, std::size_t,
                                const sampling::StepCoefficients&, void*) {
    return kNoCuda;
}
std::string attention_host(const float*, const float*, const float*, float*, int, int, int, int, int,
                           const std::uint8_t*, float, DType, bool, int) {
    return kNoCuda;
}
std::string sampler_step_host(const float*, const float*, const float*, const float*, float*, float*, std::size_t,
                              const sampling::StepCoefficients&) {
    return kNoCuda;
}
std::string time_attention(int, int, int, int, int, DType, int, int, bool, std::vector<double>*, int) {
    return kNoCuda;
}
std::string time_sampler(std::size_t, int, int, std::vector<double>*) { return kNoCuda; }
std::string time_copy(std::size_t, int, std::vector<double>*) { return kNoCuda; }
std::string device_info(DeviceInfo*) { return kNoCuda; }
std::string gemm_check(int, int, int, DType, int, int, unsigned, GemmCheck*) { return kNoCuda; }

struct DitCuda::Impl {};
DitCuda::DitCuda() = default;
DitCuda::~DitCuda() = default;
bool DitCuda::upload(const nn::DitWeights&, DType, std::string& err) {
    err = kNoCuda;
    return false;
}
bool DitCuda::ready() const { return false; }
bool DitCuda::forward(const float*, int, int, float, const float*, int, const std::uint8_t*, const float*,
                      const std::uint8_t*, float*, std::string& err) {
    err = kNoCuda;
    return false;
}
bool DitCuda::sample(const float*, int, int, const float*, const float*, int, const std::uint8_t*, const std::uint8_t*,
                     const float*, const std::vector<double>&, const std::vector<sampling::StepCoefficients>&, float*,
                     std::string& err) {
    err = kNoCuda;
    return false;
}
double DitCuda::last_sample_ms() const { return 0.0; }

}  // namespace bewo::cuda_nn
