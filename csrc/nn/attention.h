// Fused multi-head attention on the CPU: softmax(q k^T * scale + mask) v without forming the
// score matrix. Keys are visited in blocks with an online (running max / running sum) softmax,
// so memory stays O(block) per query row whatever the sequence length.
#pragma once
#include <cstddef>
#include <cstdint>

#include "threadpool.h"

namespace bewo::nn {

struct AttentionShape {
    int nq, nk, heads, head_dim;
    int q_stride, k_stride, v_stride, out_stride;  // floats between consecutive tokens
    // Several independent items in one call (a classifier-free-guidance batch, say): one
    // parallel region spreads items x heads over the threads. Floats (mask: bytes) between items.
    int batch = 1;
    std::size_t q_batch = 0, k_batch = 0, v_batch = 0, out_batch = 0, mask_batch = 0;
};

// q, k, v, out: token-major rows; head h occupies columns [h * head_dim, (h + 1) * head_dim).
// key_mask: nk bytes per item, 0 = masked out (may be null). A row whose keys are all masked gives zeros.
// scale <= 0 means 1 / sqrt(head_dim).
void attention(const float* q, const float* k, const float* v, float* out, const AttentionShape& s,
               const std::uint8_t* key_mask, float scale, ThreadPool* pool);
// Plain two-pass softmax in double: the reference.
void attention_reference(const float* q, const float* k, const float* v, float* out, const AttentionShape& s,
                         const std::uint8_t* key_mask, float scale);

}  // namespace bewo::nn
