// BEWO's `position` conditioner (BEWO_attri, BEWO_mix): per source a 17 x 768 azimuth-state
// matrix built from (start direction, end direction, speed, flag) on BEWO's 1 (left) .. 5
// (right) scale, four sources stacked (68 rows), fused with the prompt's T5 states by a 4-block
// post-LN cross-attention transformer ("cross_a2t") whose 128 output tokens join the
// cross-attention context (SAO_SPEC.md section 5).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../../nn/threadpool.h"
#include "../../nn/weight_reader.h"
#include "sa_config.h"

namespace bewo::sa {

constexpr int kPosRows = 17, kPosCols = 768, kPosSources = 4;

// One source's matrix (17 x 768), row-major, float64 as the reference builds it in numpy/torch.
// Returns false + err for directions outside 1..5.
bool position_matrix(double start_dir, double end_dir, double speed, double flag, std::vector<double>& m,
                     std::string& err);

class PositionConditioner {
public:
    bool load(nn::WeightReader& w, const ConditionerSpec& spec, int text_tokens, std::string& err);
    // t5: (batch, n, D) masked T5 states; positions (batch, 4, 4) tuples, n_positions per item
    // (0..4). out: (batch, n, D); tokens = n.
    bool forward(const float* t5, const std::uint8_t* mask, int batch, int n, const float* positions,
                 const int* n_positions, std::vector<float>& out, int& tokens, std::string& err,
                 nn::ThreadPool* pool) const;

private:
    struct Block {
        nn::Linear q, k, v, out, ff0, ff2;
        std::vector<float> ln1_g, ln1_b, ln2_g, ln2_b;
    };
    std::vector<Block> blocks_;
    nn::Linear output_;
    int dim_ = 768, heads_ = 4, text_tokens_ = 128;
};

}  // namespace bewo::sa
