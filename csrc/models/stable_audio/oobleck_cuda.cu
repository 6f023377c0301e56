// The Oobleck decoder on the GPU (oobleck_cuda.h); the math follows oobleck.cpp.
#include "oobleck_cuda.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>

#include "../../cuda/conv_cuda.cuh"

namespace bewo::sa {

using cuda_nn::DType;

namespace {

using namespace cuda_nn;

struct DevConv {
    void* w = nullptr;
    float* b = nullptr;
    int cin = 0, cout = 0, k = 1, dil = 1, pad = 0, stride = 1, phases = 1;
    long long w_phase = 0;
};
struct DevSnake {
    float* a = nullptr;
    float* ib = nullptr;
};
struct DevRes {
    DevSnake s1, s2;
    DevConv c7, c1;
};
struct DevBlock {
    DevSnake snake;
    DevConv up;
    DevRes res[3];
};

}  // namespace

struct OobleckCuda::Impl {
    DType dt = DType::F16;
    bool ok = false, final_tanh = false;
    int latent = 0, out_channels = 0;
    DeviceArena arena;  // the weights
    DevConv conv_in, conv_out;
    DevSnake snake_out;
    std::vector<DevBlock> blocks;

    ~Impl() { release(); }
    void release() {
        arena.release();
        blocks.clear();
        ok = false;
    }
    std::string up_snake(const SnakeW& s, int ch, DevSnake* d) {
        if ((int)s.a.size() != ch || (int)s.inv_b.size() != ch) return "OobleckCuda: a SnakeBeta has the wrong size";
        std::string e = arena.floats(s.a, &d->a);
        if (e.empty()) e = arena.floats(s.inv_b, &d->ib);
        return e;
    }
    // Conv weights come packed (cout, k * cin) with the (tap, channel) order the implicit GEMM reads.
    std::string up_conv(const ConvW& c, DevConv* d) {
        std::vector<float> W;
        nn::unpack_weights(c.w, W);
        if (W.size() != (std::size_t)c.cout * c.k * c.cin) return "OobleckCuda: a convolution has the wrong size";
        d->cin = c.cin;
        d->cout = c.cout;
        d->k = c.k;
        d->dil = c.dil;
        d->pad = c.pad;
        std::string e = arena.typed(W, dt, &d->w);
        if (e.empty() && !c.b.empty()) e = arena.floats(c.b, &d->b);
        return e;
    }
    // Transposed: packed (k * cout, cin) rows (tap j, co); phase z's matrix (cout, 2 cin) takes
    // tap z for the first cin columns and tap z + stride for the rest.
    std::string up_convt(const ConvTW& c, DevConv* d) {
        std::vector<float> U;
        nn::unpack_weights(c.w, U);
        const int s = c.stride, ci = c.cin, co = c.cout;
        if (c.k != 2 * s || U.size() != (std::size_t)c.k * co * ci) return "OobleckCuda: a transposed convolution has the wrong size";
        std::vector<float> W((std::size_t)s * co * 2 * ci);
        for (int z = 0; z < s; ++z)
            for (int o = 0; o < co; ++o) {
                float* dst = W.data() + ((std::size_t)z * co + o) * 2 * ci;
                std::memcpy(dst, U.data() + ((std::size_t)z * co + o) * ci, ci * sizeof(float));
                std::memcpy(dst + ci, U.data() + ((std::size_t)(z + s) * co + o) * ci, ci * sizeof(float));
            }
        d->cin = ci;
        d->cout = co;
        d->k = c.k;
        d->pad = c.pad;
        d->stride = s;
        d->phases = s;
        d->w_phase = (long long)co * 2 * ci;
        std::string e = arena.typed(W, dt, &d->w);
        if (e.empty()) e = arena.floats(c.b, &d->b);
        return e;
    }

    // y (T, cout) [+]= conv(snake(x (T, cin))).
    std::string conv(const DevConv& c, const DevSnake* s, const float* x, int T, float* y, bool acc, bool tanh_out,
                     cudaStream_t st) {
        ConvArgs a = conv_same_args(x, c.w, c.b, y, T, c.cin, c.cout, c.k, c.dil, c.pad);
        a.snake_a = s ? s->a : nullptr;
        a.snake_ib = s ? s->ib : nullptr;
        a.accumulate = acc;
        a.final_tanh = tanh_out;
        return conv_launch(a, 1, dt, st);
    }
    // y (T * stride, cout) = conv_transpose(snake(x (T, cin))).
    std::string convt(const DevConv& c, const DevSnake* s, const float* x, int T, float* y, cudaStream_t st) {
        ConvArgs a = convt_args(x, c.w, c.b, y, T, c.cin, c.cout, c.stride, c.pad, c.w_phase);
        a.snake_a = s ? s->a : nullptr;
        a.snake_ib = s ? s->ib : nullptr;
        return conv_launch(a, c.phases, dt, st);
    }
};

OobleckCuda::OobleckCuda() : impl_(new Impl) {}
OobleckCuda::~OobleckCuda() { delete impl_; }
bool OobleckCuda::ready() const { return impl_->ok; }

bool OobleckCuda::upload(const OobleckW& w, DType dtype, std::string& err) {
    Impl& m = *impl_;
    m.release();
    m.dt = dtype;
    m.latent = w.spec.latent_dim;
    m.out_channels = w.spec.out_channels;
    m.final_tanh = w.spec.final_tanh;
    std::string e = m.up_conv(w.conv_in, &m.conv_in);
    m.blocks.assign(w.blocks.size(), DevBlock());
    for (std::size_t i = 0; i < w.blocks.size() && e.empty(); ++i) {
        const DecBlockW& b = w.blocks[i];
        DevBlock& d = m.blocks[i];
        e = m.up_snake(b.snake, b.up.cin, &d.snake);
        if (e.empty()) e = m.up_convt(b.up, &d.up);
        for (int r = 0; r < 3 && e.empty(); ++r) {
            e = m.up_snake(b.res[r].s1, b.up.cout, &d.res[r].s1);
            if (e.empty()) e = m.up_snake(b.res[r].s2, b.up.cout, &d.res[r].s2);
            if (e.empty()) e = m.up_conv(b.res[r].c7, &d.res[r].c7);
            if (e.empty()) e = m.up_conv(b.res[r].c1, &d.res[r].c1);
        }
    }
    if (e.empty()) e = m.up_snake(w.snake_out, w.conv_out.cin, &m.snake_out);
    if (e.empty()) e = m.up_conv(w.conv_out, &m.conv_out);
    if (e.empty() && m.conv_in.cin != m.latent) e = "OobleckCuda: conv_in does not read the latent channels";
    if (!e.empty()) {
        m.release();
        err = e;
        return false;
    }
    m.ok = true;
    return true;
}

bool OobleckCuda::decode(const float* latent, int T, std::vector<float>& audio, std::string& err) {
    Impl& m = *impl_;
    auto fail = [&](const std::string& e) {
        err = "OobleckCuda decode: " + e;
        return false;
    };
    if (!m.ok) return fail("no weights uploaded");
    if (T <= 0 || !latent) return fail("need a latent of at least one frame");
    try {
        // Largest activation: frames x channels over the stages.
        long long most = (long long)T * std::max(m.latent, m.conv_in.cout);
        long long frames = T;
        for (const DevBlock& b : m.blocks) {
            frames *= b.up.stride;
            most = std::max(most, frames * b.up.cout);
        }
        most = std::max(most, frames * m.out_channels);
        const int C = m.latent;
        std::vector<float> x((std::size_t)T * C);
        for (int c = 0; c < C; ++c)
            for (int t = 0; t < T; ++t) x[(std::size_t)t * C + c] = latent[(std::size_t)c * T + t];
        StreamGuard sg;
        DevBuf dx, h, h2, tb;
        std::string e = [&]() -> std::string {
            NN_CUDA_TRY(cudaStreamCreateWithFlags(&sg.s, cudaStreamNonBlocking));
            cudaStream_t st = sg.s;
            NN_CUDA_TRY(dx.alloc(x.size() * sizeof(float)));
            NN_CUDA_TRY(h.alloc((std::size_t)most * sizeof(float)));
            NN_CUDA_TRY(h2.alloc((std::size_t)most * sizeof(float)));
            NN_CUDA_TRY(tb.alloc((std::size_t)most * sizeof(float)));
            NN_CUDA_TRY(cudaMemcpyAsync(dx.p, x.data(), x.size() * sizeof(float), cudaMemcpyHostToDevice, st));
            float* cur = h.as<float>();
            float* nxt = h2.as<float>();
            float* t = tb.as<float>();
            std::string r = m.conv(m.conv_in, nullptr, dx.as<float>(), T, cur, false, false, st);
            if (!r.empty()) return r;
            int n = T;
            for (const DevBlock& b : m.blocks) {
                if (!(r = m.convt(b.up, &b.snake, cur, n, nxt, st)).empty()) return r;
                std::swap(cur, nxt);
                n *= b.up.stride;
                for (const DevRes& u : b.res) {
                    if (!(r = m.conv(u.c7, &u.s1, cur, n, t, false, false, st)).empty()) return r;
                    if (!(r = m.conv(u.c1, &u.s2, t, n, cur, true, false, st)).empty()) return r;  // x + conv1(...)
                }
            }
            if (!(r = m.conv(m.conv_out, &m.snake_out, cur, n, nxt, false, m.final_tanh, st)).empty()) return r;
            const long long total = (long long)n * m.out_channels;
            tc_to_ct_kernel<<<grid_for(total, 256), 256, 0, st>>>(nxt, t, 1, m.out_channels, n);  // (T, C) -> (C, T)
            NN_CUDA_TRY(cudaGetLastError());
            audio.resize((std::size_t)total);
            NN_CUDA_TRY(cudaMemcpyAsync(audio.data(), t, (std::size_t)total * sizeof(float), cudaMemcpyDeviceToHost, st));
            NN_CUDA_TRY(cudaStreamSynchronize(st));
            return "";
        }();
        if (!e.empty()) return fail(e);
        return true;
    } catch (const std::exception& ex) {
        return fail(ex.what());
    }
}

}  // namespace bewo::sa
