#include "oobleck.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace bewo::sa {

namespace {

// Weight norm: W = g * v / ||v||, the norm over every dim but 0 (legacy weight_g / weight_v, or
// the parametrization's original0 / original1).
bool read_wn(nn::WeightReader& w, const std::string& key, const std::vector<std::int64_t>& vshape,
             std::vector<float>& W, std::string& err) {
    std::string g = key + ".weight_g", v = key + ".weight_v";
    if (!w.has(v) && w.has(key + ".parametrizations.weight.original1")) {
        g = key + ".parametrizations.weight.original0";
        v = key + ".parametrizations.weight.original1";
    }
    std::vector<float> gv;
    if (!w.f32(v, vshape, W, err) || !w.f32(g, {vshape[0], 1, 1}, gv, err)) return false;
    const std::size_t per = W.size() / static_cast<std::size_t>(vshape[0]);
    for (std::int64_t o = 0; o < vshape[0]; ++o) {
        float* r = W.data() + o * per;
        double ss = 0;
        for (std::size_t i = 0; i < per; ++i) ss += double(r[i]) * r[i];
        const double scale = gv[o] / std::sqrt(ss);
        for (std::size_t i = 0; i < per; ++i) r[i] = static_cast<float>(r[i] * scale);
    }
    return true;
}

bool read_conv(nn::WeightReader& w, const std::string& key, int cin, int cout, int k, int dil, bool bias, ConvW& c,
               std::string& err) {
    std::vector<float> W;
    if (!read_wn(w, key, {cout, cin, k}, W, err)) return false;
    if (bias && !w.f32(key + ".bias", {cout}, c.b, err)) return false;
    // (cout, cin, k) -> (cout, k, cin): the time-major im2col row is k frames of cin channels.
    std::vector<float> r(W.size());
    for (int o = 0; o < cout; ++o)
        for (int i = 0; i < cin; ++i)
            for (int j = 0; j < k; ++j)
                r[(static_cast<std::size_t>(o) * k + j) * cin + i] = W[(static_cast<std::size_t>(o) * cin + i) * k + j];
    nn::pack_weights(r.data(), k * cin, cout, c.w);
    c.cin = cin;
    c.cout = cout;
    c.k = k;
    c.dil = dil;
    c.pad = dil * (k - 1) / 2;
    return true;
}

bool read_convt(nn::WeightReader& w, const std::string& key, int cin, int cout, int stride, ConvTW& c,
                std::string& err) {
    const int k = 2 * stride;
    std::vector<float> W;
    if (!read_wn(w, key, {cin, cout, k}, W, err) || !w.f32(key + ".bias", {cout}, c.b, err)) return false;
    // z[i][(j, co)] = sum_ci x[i][ci] W[ci][co][j]: a GEMM with out = (j, co), in = ci.
    std::vector<float> r(W.size());
    for (int i = 0; i < cin; ++i)
        for (int o = 0; o < cout; ++o)
            for (int j = 0; j < k; ++j)
                r[(static_cast<std::size_t>(j) * cout + o) * cin + i] = W[(static_cast<std::size_t>(i) * cout + o) * k + j];
    nn::pack_weights(r.data(), cin, k * cout, c.w);
    c.cin = cin;
    c.cout = cout;
    c.k = k;
    c.stride = stride;
    c.pad = (stride + 1) / 2;
    return true;
}

bool read_snake(nn::WeightReader& w, const std::string& key, int ch, SnakeW& s, std::string& err) {
    std::vector<float> a, b;
    if (!w.f32(key + ".alpha", {ch}, a, err) || !w.f32(key + ".beta", {ch}, b, err)) return false;
    s.a.resize(ch);
    s.inv_b.resize(ch);
    for (int c = 0; c < ch; ++c) {
        s.a[c] = std::exp(a[c]);
        s.inv_b[c] = 1.0f / (std::exp(b[c]) + 1e-9f);
    }
    return true;
}

bool same_tensor(nn::WeightReader& w, const std::string& a, const std::string& b, int ch) {
    std::vector<float> x, y;
    std::string err;
    if (!w.f32(a, {ch}, x, err) || !w.f32(b, {ch}, y, err)) return false;
    return std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0;
}

// Frames per im2col chunk: about 4M floats of scratch at any clip length, and enough rows that
// each weight block is reused across hundreds of frames (the GEMM splits its columns over the pool).
int chunk_frames(int row_floats) { return std::max(64, (4 << 20) / std::max(1, row_floats)); }

// y (T, cout) [+]= conv(x (T, cin)) with "same" padding, stride 1.
void conv_tm(const ConvW& c, const float* x, int T, float* y, bool accumulate, nn::ThreadPool* pool) {
    const int kk = c.k * c.cin;
    const int chunk = c.k == 1 ? T : chunk_frames(kk);
    std::vector<float> cols;
    if (c.k > 1) cols.resize(static_cast<std::size_t>(std::min(chunk, T)) * kk);
    const float* b = c.b.empty() ? nullptr : c.b.data();
    for (int t0 = 0; t0 < T; t0 += chunk) {
        const int n = std::min(chunk, T - t0);
        const float* src = x + static_cast<std::size_t>(t0) * c.cin;
        if (c.k > 1) {
            nn::parallel(pool, static_cast<std::size_t>(n), [&](std::size_t r0, std::size_t r1) {
                for (std::size_t r = r0; r < r1; ++r) {
                    float* row = cols.data() + r * kk;
                    for (int j = 0; j < c.k; ++j) {
                        const int ti = t0 + static_cast<int>(r) - c.pad + j * c.dil;
                        float* dst = row + static_cast<std::size_t>(j) * c.cin;
                        if (ti >= 0 && ti < T) std::memcpy(dst, x + static_cast<std::size_t>(ti) * c.cin, c.cin * sizeof(float));
                        else std::memset(dst, 0, c.cin * sizeof(float));
                    }
                }
            });
            src = cols.data();
        }
        float* out = y + static_cast<std::size_t>(t0) * c.cout;
        if (accumulate) nn::linear_packed_acc(src, c.w, b, out, n, pool);
        else nn::linear_packed(src, c.w, b, out, n, pool);
    }
}

// y (T * stride, cout) = conv_transpose(x (T, cin)): z = x . W per chunk of input frames (the
// GEMM over the pool), then each output frame sums the k / stride = 2 frames that reach it.
void convt_tm(const ConvTW& c, const float* x, int T, float* y, nn::ThreadPool* pool) {
    const int To = T * c.stride, kc = c.k * c.cout;
    const int chunk = chunk_frames(kc);
    std::vector<float> z(static_cast<std::size_t>(std::min(chunk + 2, T)) * kc);
    for (int i0 = 0; i0 < T; i0 += chunk) {
        // Inputs [zi0, zi1) cover every contribution to outputs [o0, o1).
        const int o0 = i0 * c.stride, o1 = std::min(To, (i0 + chunk) * c.stride);
        const int zi0 = std::max(0, i0 - 1), zi1 = std::min(T, i0 + chunk + 1);
        nn::linear_packed(x + static_cast<std::size_t>(zi0) * c.cin, c.w, nullptr, z.data(), zi1 - zi0, pool);
        nn::parallel(pool, static_cast<std::size_t>(o1 - o0), [&](std::size_t a, std::size_t e) {
            for (std::size_t oo = a; oo < e; ++oo) {
                const int o = o0 + static_cast<int>(oo);
                float* dst = y + static_cast<std::size_t>(o) * c.cout;
                std::memcpy(dst, c.b.data(), c.cout * sizeof(float));
                // o = i * stride - pad + j with 0 <= j < k.
                const int ihi = (o + c.pad) / c.stride;
                for (int i = ihi; i >= zi0 && i > ihi - 3; --i) {
                    const int j = o + c.pad - i * c.stride;
                    if (j < 0 || j >= c.k || i >= zi1) continue;
                    const float* zz = z.data() + static_cast<std::size_t>(i - zi0) * kc + static_cast<std::size_t>(j) * c.cout;
                    for (int q = 0; q < c.cout; ++q) dst[q] += zz[q];
                }
            }
        });
    }
}

}  // namespace

void snake_beta_tm(const float* x, float* y, std::size_t frames, int C, const SnakeW& s, nn::ThreadPool* pool) {
    nn::parallel(pool, frames, [&](std::size_t f0, std::size_t f1) {
        const float* a = s.a.data();
        const float* ib = s.inv_b.data();
        for (std::size_t f = f0; f < f1; ++f) {
            const float* xr = x + f * C;
            float* yr = y + f * C;
            // sin^2(z) = sin^2(z - n pi): reduce by the nearest multiple of pi (two-part
            // Cody-Waite), then an odd polynomial on [-pi/2, pi/2]; no sign to track.
            for (int c = 0; c < C; ++c) {
                const float z = a[c] * xr[c];
                const float n = std::floor(z * 0.31830988618379067f + 0.5f);
                float r = z - n * 3.140625f;
                r = r - n * 9.6765358979e-4f;
                const float r2 = r * r;
                float p = -2.5052108385e-8f;
                p = p * r2 + 2.7557319224e-6f;
                p = p * r2 - 1.9841269841e-4f;
                p = p * r2 + 8.3333333333e-3f;
                p = p * r2 - 1.6666666667e-1f;
                const float sn = r + r * r2 * p;
                yr[c] = xr[c] + ib[c] * (sn * sn);
            }
        }
    });
}

bool load_oobleck(nn::WeightReader& w, const DecoderSpec& spec, int shared_snake, OobleckW& o, std::string& err) {
    o = OobleckW();
    o.spec = spec;
    std::vector<int> m{1};
    m.insert(m.end(), spec.c_mults.begin(), spec.c_mults.end());
    const int depth = static_cast<int>(m.size()), ch = spec.channels;
    const std::string p = "pretransform.model.decoder.layers.";
    if (!spec.use_snake) { err = "the Oobleck decoder without SnakeBeta (use_snake false) is not supported"; return false; }
    if (!read_conv(w, p + "0", spec.latent_dim, m[depth - 1] * ch, 7, 1, true, o.conv_in, err)) return false;
    if (shared_snake < 0) {
        // A shared module is saved under both names with the same values.
        const std::string r = p + "1.layers.2.layers.";
        shared_snake = same_tensor(w, r + "0.alpha", r + "2.alpha", m[depth - 2] * ch) &&
                       same_tensor(w, r + "0.beta", r + "2.beta", m[depth - 2] * ch);
    }
    o.shared_snake = shared_snake == 1;
    for (int i = depth - 1, li = 1; i >= 1; --i, ++li) {
        const int cin = m[i] * ch, cout = m[i - 1] * ch, stride = spec.strides[i - 1];
        const std::string b = p + std::to_string(li) + ".layers.";
        DecBlockW blk;
        if (!read_snake(w, b + "0", cin, blk.snake, err) || !read_convt(w, b + "1", cin, cout, stride, blk.up, err))
            return false;
        const int dil[3] = {1, 3, 9};
        for (int r = 0; r < 3; ++r) {
            const std::string u = b + std::to_string(2 + r) + ".layers.";
            ResUnitW& ru = blk.res[r];
            if (!read_snake(w, u + "0", cout, ru.s1, err) || !read_conv(w, u + "1", cout, cout, 7, dil[r], true, ru.c7, err) ||
                !read_snake(w, u + "2", cout, ru.s2, err) || !read_conv(w, u + "3", cout, cout, 1, 1, true, ru.c1, err))
                return false;
            if (o.shared_snake) ru.s1 = ru.s2;  // the shared module holds layers.2's values
        }
        o.blocks.push_back(std::move(blk));
    }
    if (!read_snake(w, p + std::to_string(depth), ch, o.snake_out, err) ||
        !read_conv(w, p + std::to_string(depth + 1), ch, spec.out_channels, 7, 1, false, o.conv_out, err))
        return false;
    return true;
}

void oobleck_decode(const OobleckW& w, const float* latent, int T, std::vector<float>& audio, nn::ThreadPool* pool) {
    const int C = w.spec.latent_dim;
    std::vector<float> x(static_cast<std::size_t>(T) * C);
    for (int c = 0; c < C; ++c)
        for (int t = 0; t < T; ++t) x[static_cast<std::size_t>(t) * C + c] = latent[static_cast<std::size_t>(c) * T + t];
    std::vector<float> h(static_cast<std::size_t>(T) * w.conv_in.cout), a, b;
    conv_tm(w.conv_in, x.data(), T, h.data(), false, pool);
    int frames = T, ch = w.conv_in.cout;
    for (const DecBlockW& blk : w.blocks) {
        a.resize(h.size());
        snake_beta_tm(h.data(), a.data(), frames, ch, blk.snake, pool);
        const int To = frames * blk.up.stride;
        h.assign(static_cast<std::size_t>(To) * blk.up.cout, 0.0f);
        convt_tm(blk.up, a.data(), frames, h.data(), pool);
        frames = To;
        ch = blk.up.cout;
        a.resize(h.size());
        b.resize(h.size());
        for (const ResUnitW& r : blk.res) {
            snake_beta_tm(h.data(), a.data(), frames, ch, r.s1, pool);
            conv_tm(r.c7, a.data(), frames, b.data(), false, pool);
            snake_beta_tm(b.data(), a.data(), frames, ch, r.s2, pool);
            conv_tm(r.c1, a.data(), frames, h.data(), true, pool);  // x + conv1(...)
        }
    }
    a.resize(h.size());
    snake_beta_tm(h.data(), a.data(), frames, ch, w.snake_out, pool);
    const int oc = w.conv_out.cout;
    b.assign(static_cast<std::size_t>(frames) * oc, 0.0f);
    conv_tm(w.conv_out, a.data(), frames, b.data(), false, pool);
    audio.resize(b.size());
    for (int t = 0; t < frames; ++t)
        for (int c = 0; c < oc; ++c) {
            float v = b[static_cast<std::size_t>(t) * oc + c];
            if (w.spec.final_tanh) v = std::tanh(v);
            audio[static_cast<std::size_t>(c) * frames + t] = v;
        }
}

}  // namespace bewo::sa
