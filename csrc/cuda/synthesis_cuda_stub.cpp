// synthesis_cuda.h without CUDA.
#include "synthesis_cuda.h"

namespace bewo::cuda_nn {

struct SynthesisCuda::Impl {};

namespace {
bool fail(std::string& err) {
    err = "CUDA backend not compiled";
    return false;
}
}  // namespace

SynthesisCuda::SynthesisCuda() : impl_(nullptr) {}
SynthesisCuda::~SynthesisCuda() = default;
bool SynthesisCuda::init(std::string& err) { return fail(err); }
bool SynthesisCuda::ready() const { return false; }
void* SynthesisCuda::stream() const { return nullptr; }
bool SynthesisCuda::synthesise_device(const float*, const float*, int, int, int, std::uint64_t, const float*,
                                      std::vector<float>&, std::string& err) {
    return fail(err);
}
bool SynthesisCuda::synthesise(const float*, int, int, int, std::uint64_t, const float*, std::vector<float>&,
                               std::string& err) {
    return fail(err);
}
bool SynthesisCuda::stft(const float*, int, std::vector<float>&, std::vector<float>&, std::string& err) { return fail(err); }
bool SynthesisCuda::istft(const float*, const float*, int, int, std::vector<float>&, std::string& err) { return fail(err); }
double SynthesisCuda::last_ms() const { return 0.0; }

}  // namespace bewo::cuda_nn
