#include "vae_decoder.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace bewo::nn {

namespace {

using Shape = std::vector<std::int64_t>;
constexpr float kMidMean = -3.0f, kMidScale = 3.0f;

bool get_conv(const SafeTensors& st, const std::string& name, int cin, int cout, int kernel, int padding,
              int dilation, ConvW& c, std::string& err) {
    std::vector<float> w;
    if (!st.get_f32(name + ".weight", Shape{cout, cin, kernel}, w, err) || !st.get_f32(name + ".bias", Shape{cout}, c.b, err))
        return false;
    pack_weights(w.data(), cin * kernel, cout, c.w);
    c.cin = cin; c.cout = cout; c.kernel = kernel; c.padding = padding; c.dilation = dilation;
    return true;
}

bool get_convt(const SafeTensors& st, const std::string& name, int ch, ConvW& c, std::string& err) {
    std::vector<float> w;
    if (!st.get_f32(name + ".weight", Shape{ch, ch, 4}, w, err) || !st.get_f32(name + ".bias", Shape{ch}, c.b, err))
        return false;
    pack_conv_transpose(w.data(), ch, ch, 4, c.w);
    c.cin = ch; c.cout = ch; c.kernel = 4; c.padding = 1;
    return true;
}

bool get_gn(const SafeTensors& st, const std::string& name, int ch, GroupNormW& g, std::string& err) {
    return st.get_f32(name + ".weight", Shape{ch}, g.g, err) && st.get_f32(name + ".bias", Shape{ch}, g.b, err);
}

bool get_res(const SafeTensors& st, const std::string& name, int ch, int dilation, ResBlockW& r, std::string& err) {
    return get_gn(st, name + ".norm1", ch, r.norm1, err) && get_conv(st, name + ".conv1", ch, ch, 3, dilation, dilation, r.conv1, err) &&
           get_gn(st, name + ".norm2", ch, r.norm2, err) && get_conv(st, name + ".conv2", ch, ch, 3, 1, 1, r.conv2, err);
}

bool get_up(const SafeTensors& st, const std::string& name, int cin, int width, int cout, int ds, UpW& u, std::string& err) {
    // nn.Sequential indices: 0 conv, 1 res, 2 res(2), then (convT, res) per halving, GN, SiLU, conv.
    u.width = width;
    const std::string p = name + ".net.";
    if (!get_conv(st, p + "0", cin, width, 3, 1, 1, u.conv_in, err) || !get_res(st, p + "1", width, 1, u.res_a, err) ||
        !get_res(st, p + "2", width, 2, u.res_b, err))
        return false;
    u.ups.resize(ds);
    u.up_res.resize(ds);
    for (int i = 0; i < ds; ++i)
        if (!get_convt(st, p + std::to_string(3 + 2 * i), width, u.ups[i], err) ||
            !get_res(st, p + std::to_string(4 + 2 * i), width, 1, u.up_res[i], err))
            return false;
    return get_gn(st, p + std::to_string(3 + 2 * ds), width, u.norm_out, err) &&
           get_conv(st, p + std::to_string(5 + 2 * ds), width, cout, 1, 0, 1, u.conv_out, err);
}

void conv(const ConvW& c, const float* x, float* y, int t, ThreadPool* pool) {
    conv1d_packed(x, c.w, c.b.data(), y, c.cin, c.cout, t, c.kernel, 1, c.padding, c.dilation, pool);
}

void gn_silu(const GroupNormW& g, const float* x, float* y, int ch, int t, ThreadPool* pool) {
    group_norm_silu(x, g.g.data(), g.b.data(), y, ch, t, 8, 1e-5f, pool);
}

void res(const ResBlockW& r, std::vector<float>& x, int ch, int t, ThreadPool* pool) {
    const std::size_t n = static_cast<std::size_t>(ch) * t;
    std::vector<float> a(n), h(n);
    gn_silu(r.norm1, x.data(), a.data(), ch, t, pool);
    conv(r.conv1, a.data(), h.data(), t, pool);
    gn_silu(r.norm2, h.data(), a.data(), ch, t, pool);
    conv(r.conv2, a.data(), h.data(), t, pool);
    parallel(pool, (n + 4095) / 4096, [&](std::size_t b0, std::size_t b1) {
        for (std::size_t i = b0 * 4096; i < std::min(n, b1 * 4096); ++i) x[i] += h[i];
    });
}

void up(const UpW& u, const float* z, int frames, std::vector<float>& out, ThreadPool* pool) {
    const int w = u.width;
    int t = frames;
    std::vector<float> x(static_cast<std::size_t>(w) * t);
    conv(u.conv_in, z, x.data(), t, pool);
    res(u.res_a, x, w, t, pool);
    res(u.res_b, x, w, t, pool);
    for (std::size_t i = 0; i < u.ups.size(); ++i) {
        std::vector<float> y(static_cast<std::size_t>(w) * 2 * t);
        conv_transpose1d_packed(x.data(), u.ups[i].w, u.ups[i].b.data(), y.data(), w, w, t, 4, 2, 1, pool);
        t *= 2;
        x.swap(y);
        res(u.up_res[i], x, w, t, pool);
    }
    std::vector<float> a(x.size());
    gn_silu(u.norm_out, x.data(), a.data(), w, t, pool);
    out.resize(static_cast<std::size_t>(u.conv_out.cout) * t);
    conv(u.conv_out, a.data(), out.data(), t, pool);
}

}  // namespace

bool load_decoder(const SafeTensors& st, int width, int latent_channels, int downsamples, DecoderW& w, std::string& err) {
    w = DecoderW();
    if (latent_channels <= kSpatialLatents || width % 8 || downsamples < 0 || downsamples > 6) {
        err = "decoder config out of range";
        return false;
    }
    w.latent_channels = latent_channels;
    w.downsamples = downsamples;
    return get_up(st, "vae_decoder.content", latent_channels - kSpatialLatents, width, kBins, downsamples, w.content, err) &&
           get_up(st, "vae_decoder.spatial", kSpatialLatents, kSpatialWidth, kIldBands + kItdBands, downsamples, w.spatial, err);
}

void decode(const DecoderW& w, const float* z, int frames, std::vector<float>& feats, ThreadPool* pool) {
    const int t = frames << w.downsamples;
    std::vector<float> mid, sp;
    up(w.content, z, frames, mid, pool);
    up(w.spatial, z + static_cast<std::size_t>(w.latent_channels - kSpatialLatents) * frames, frames, sp, pool);
    feats.resize(static_cast<std::size_t>(kFeatureChannels) * t);
    for (std::size_t i = 0; i < mid.size(); ++i) feats[i] = mid[i] * kMidScale + kMidMean;
    float* ild = feats.data() + static_cast<std::size_t>(kBins) * t;
    std::memcpy(ild, sp.data(), sizeof(float) * sp.size());
    tanh_inplace(ild, sp.size());
    for (std::size_t i = 0; i < static_cast<std::size_t>(kIldBands) * t; ++i) ild[i] *= 2.0f;
}

}  // namespace bewo::nn
