#include "sa_model.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "../../nn/synthesis.h"

namespace bewo::sa {

bool StableAudioModel::load(const std::string& weights, const std::string& config_json, const std::string& t5_dir,
                            const std::string& t5_weights, const LoadOptions& opt, std::string& err) {
    if (!parse_sa_config(config_json, cfg_, err)) return false;
    pool_ = std::make_unique<nn::ThreadPool>(opt.n_threads);
    nn::SafeTensors& st = st_;
    if (!st.open_file(weights, err)) { err = weights + ": " + err; return false; }
    nn::WeightReader w(st, weights);
    // fp32 linear weights straight from the mapping: no packed copy, fast loading. Packing them
    // once instead (a second copy, seconds of loading) is kept for comparison: BEWO_PACK_WEIGHTS=1.
    const char* pack = std::getenv("BEWO_PACK_WEIGHTS");
    w.set_in_place(!(pack && pack[0] == '1'));
    numbers_.clear();
    position_.reset();
    for (const auto& c : cfg_.conditioners) {
        if (c.type == "number") {
            NumberConditioner n;
            if (!n.load(w, c, err)) return false;
            numbers_.push_back(std::move(n));
        } else if (c.type == "position") {
            position_ = std::make_unique<PositionConditioner>();
            if (!position_->load(w, c, cfg_.conditioner("prompt")->max_length, err)) return false;
        }
    }
    if (!load_sa_dit(w, cfg_.dit, !cfg_.cross_ids.empty(), !cfg_.global_ids.empty(), dit_, err)) return false;
    if (!load_oobleck(w, cfg_.decoder, opt.shared_snake, dec_, err)) return false;
    // Known but unused here: the encoder (init audio only), LayerNorm and RoPE buffers read as
    // needed, the bottleneck (identity for a VAE at decode time).
    w.ignore_prefix("pretransform.model.encoder.");
    w.ignore_prefix("pretransform.model.bottleneck.");
    unknown_ = w.unused();
    t5_loaded_ = false;
    if (!t5_dir.empty()) {
        if (!t5_.load(t5_dir, t5_weights, err)) return false;
        if (t5_.config().d_model != cfg_.cond_dim) {
            err = "the T5 in " + t5_dir + " gives " + std::to_string(t5_.config().d_model) + "-wide states; the model needs " +
                  std::to_string(cfg_.cond_dim);
            return false;
        }
        t5_loaded_ = true;
    }
    scratch_ = DitScratchSA();
    return true;
}

int StableAudioModel::t5_max_length() const {
    for (const auto& c : cfg_.conditioners)
        if (c.type == "t5") return c.max_length;
    return 0;
}

int StableAudioModel::cross_tokens() const {
    int n = 0;
    for (const auto& id : cfg_.cross_ids) {
        const ConditionerSpec* c = cfg_.conditioner(id);
        n += c->type == "t5" ? c->max_length : c->type == "position" ? t5_max_length() : 1;
    }
    return n;
}

bool StableAudioModel::encode_text(const std::int32_t* ids, const std::uint8_t* mask, int batch, int n,
                                   std::vector<float>& out, std::string& err) {
    if (!t5_loaded_) { err = "no T5 text encoder was loaded (give the T5 folder)"; return false; }
    if (t5_gpu_ && t5_gpu_->ready()) {
        if (batch <= 0 || n <= 0) { err = "T5 input must have at least one item and one token"; return false; }
        if (!t5_.check_ids(ids, static_cast<std::size_t>(batch) * n, err)) return false;
        return t5_gpu_->encode(ids, mask, batch, n, t5_.position_bias(n), out, err);
    }
    return t5_.encode(ids, mask, batch, n, out, err, pool_.get());
}

bool StableAudioModel::conditioning(const float* t5, const std::uint8_t* mask, int batch, int n,
                                    const std::map<std::string, std::vector<double>>& numbers, const float* positions,
                                    const int* n_positions, std::vector<float>& cross, int& n_ctx,
                                    std::vector<float>& global, std::string& err) {
    const int D = cfg_.cond_dim;
    auto number = [&](const std::string& id) -> const NumberConditioner* {
        for (const auto& c : numbers_)
            if (c.spec.id == id) return &c;
        return nullptr;
    };
    auto values = [&](const std::string& id) -> const std::vector<double>* {
        auto it = numbers.find(id);
        if (it == numbers.end()) { err = "conditioning: no value given for the number conditioner \"" + id + "\""; return nullptr; }
        if (static_cast<int>(it->second.size()) != batch) { err = "conditioning: \"" + id + "\" needs one value per prompt"; return nullptr; }
        return &it->second;
    };
    // Per conditioner id: (batch, tokens, D).
    std::map<std::string, std::pair<std::vector<float>, int>> out;
    for (const auto& c : cfg_.conditioners) {
        if (c.type == "t5") {
            if (n != c.max_length) { err = "conditioning: the T5 states must have " + std::to_string(c.max_length) + " tokens"; return false; }
            out[c.id] = {std::vector<float>(t5, t5 + static_cast<std::size_t>(batch) * n * D), n};
        } else if (c.type == "number") {
            const std::vector<double>* v = values(c.id);
            if (!v) return false;
            std::vector<float> e(static_cast<std::size_t>(batch) * D);
            for (int b = 0; b < batch; ++b) number(c.id)->embed((*v)[b], e.data() + static_cast<std::size_t>(b) * D);
            out[c.id] = {std::move(e), 1};
        } else if (c.type == "position") {
            std::vector<float> e;
            int tokens = 0;
            if (!position_->forward(t5, mask, batch, n, positions, n_positions, e, tokens, err, pool_.get())) return false;
            out[c.id] = {std::move(e), tokens};
        }
    }
    n_ctx = 0;
    for (const auto& id : cfg_.cross_ids) n_ctx += out[id].second;
    cross.assign(static_cast<std::size_t>(batch) * n_ctx * D, 0.0f);
    for (int b = 0; b < batch; ++b) {
        float* dst = cross.data() + static_cast<std::size_t>(b) * n_ctx * D;
        for (const auto& id : cfg_.cross_ids) {
            const auto& e = out[id];
            const std::size_t sz = static_cast<std::size_t>(e.second) * D;
            std::memcpy(dst, e.first.data() + b * sz, sz * sizeof(float));
            dst += sz;
        }
    }
    const int G = cfg_.dit.global_cond_dim;
    global.assign(static_cast<std::size_t>(batch) * G, 0.0f);
    for (int b = 0; b < batch; ++b) {
        float* dst = global.data() + static_cast<std::size_t>(b) * G;
        for (const auto& id : cfg_.global_ids) {
            std::memcpy(dst, out[id].first.data() + static_cast<std::size_t>(b) * D, D * sizeof(float));
            dst += D;
        }
    }
    return true;
}

void StableAudioModel::dit(const float* x, int batch, int T, const float* t, const float* cross, int n_ctx,
                           const float* global, std::vector<float>& v) {
    std::vector<float> kv;
    if (dit_.has_cross && cross) sa_cross_kv(dit_, cross, batch, n_ctx, kv, pool_.get());
    v.resize(static_cast<std::size_t>(batch) * cfg_.latent_dim * T);
    sa_dit_forward(dit_, x, batch, T, t, kv.empty() ? nullptr : kv.data(), n_ctx, global, v.data(), scratch_, pool_.get());
}

bool StableAudioModel::sample(const float* noise, int batch, int T, const float* cross, int n_ctx, const float* global,
                              const SampleOptions& opt, std::vector<float>& latents, std::string& err) {
    const bool rf = cfg_.rectified_flow();
    if (sampling::k_sampler_is_rf(opt.sampler) != rf) {
        err = std::string("sampler ") + sampling::k_sampler_name(opt.sampler) + " does not fit this model's " +
              (rf ? "rectified-flow objective (use pingpong)" : "v objective (use dpmpp-3m-sde, dpmpp-2m-sde or dpmpp-2m)");
        return false;
    }
    if (opt.steps < 1 || opt.steps > 10000) { err = "steps must be 1..10000"; return false; }
    if (!rf && !(opt.sigma_min > 0 && opt.sigma_max > opt.sigma_min)) { err = "need 0 < sigma_min < sigma_max"; return false; }
    if (cuda_enabled()) {  // (the context's keys and values are then computed on the GPU too)
        const std::vector<double> sg = rf ? sampling::rf_schedule(opt.steps, std::min(1.0, opt.sigma_max))
                                          : sampling::sigmas_polyexponential(opt.steps, opt.sigma_min, opt.sigma_max);
        return sample_cuda(noise, batch, T, cross, n_ctx, global, opt, sg, latents, err);
    }
    const int C = cfg_.latent_dim, D = cfg_.cond_dim;
    const std::size_t per = static_cast<std::size_t>(C) * T, n = per * batch;
    const bool use_cfg = opt.cfg != 1.0f && dit_.has_cross && cross;
    const int B2 = use_cfg ? 2 * batch : batch;
    // Keys/values once per clip: [cond ; uncond] where the uncond context is all zeros.
    std::vector<float> ctx(static_cast<std::size_t>(B2) * n_ctx * D, 0.0f), kv, glob;
    if (cross) std::memcpy(ctx.data(), cross, static_cast<std::size_t>(batch) * n_ctx * D * sizeof(float));
    if (dit_.has_cross && cross) sa_cross_kv(dit_, ctx.data(), B2, n_ctx, kv, pool_.get());
    if (global) {
        const std::size_t G = static_cast<std::size_t>(cfg_.dit.global_cond_dim) * batch;
        glob.resize(G * (use_cfg ? 2 : 1));
        std::memcpy(glob.data(), global, G * sizeof(float));
        if (use_cfg) std::memcpy(glob.data() + G, global, G * sizeof(float));  // the global condition is not nulled
    }
    std::vector<double> sig = rf ? sampling::rf_schedule(opt.steps, std::min(1.0, opt.sigma_max))
                                 : sampling::sigmas_polyexponential(opt.steps, opt.sigma_min, opt.sigma_max);
    latents.assign(noise, noise + n);
    if (!rf)
        for (float& v : latents) v = static_cast<float>(v * sig[0]);
    std::vector<float> xin(per * B2), vout(per * B2), tt(B2);
    const float cfg = opt.cfg, phi = opt.scale_phi;
    auto denoise = [&](const float* x, int i, float* Dn) {
        const double s = sig[i];
        double c_in = 1, t = s;
        if (!rf) {
            c_in = 1.0 / std::sqrt(s * s + 1.0);
            t = std::atan(s) / M_PI * 2.0;
        }
        for (std::size_t k = 0; k < n; ++k) xin[k] = static_cast<float>(x[k] * c_in);
        if (use_cfg) std::memcpy(xin.data() + n, xin.data(), n * sizeof(float));
        std::fill(tt.begin(), tt.end(), static_cast<float>(t));
        sa_dit_forward(dit_, xin.data(), B2, T, tt.data(), kv.empty() ? nullptr : kv.data(), n_ctx,
                       glob.empty() ? nullptr : glob.data(), vout.data(), scratch_, pool_.get());
        float* v = vout.data();
        if (use_cfg) {
            for (std::size_t k = 0; k < n; ++k) {
                const float c = v[k], u = v[n + k];
                v[n + k] = u + (c - u) * cfg;  // the guided v, kept beside the conditional one
            }
            if (phi != 0.0f) {
                // Rescale to the conditional output's std over channels (unbiased), per frame.
                for (int b = 0; b < batch; ++b)
                    for (int f = 0; f < T; ++f) {
                        double mc = 0, mg = 0;
                        for (int c = 0; c < C; ++c) {
                            mc += v[b * per + c * T + f];
                            mg += v[n + b * per + c * T + f];
                        }
                        mc /= C;
                        mg /= C;
                        double vc = 0, vg = 0;
                        for (int c = 0; c < C; ++c) {
                            const double a = v[b * per + c * T + f] - mc, g = v[n + b * per + c * T + f] - mg;
                            vc += a * a;
                            vg += g * g;
                        }
                        const double ratio = std::sqrt(vc / (C - 1)) / std::sqrt(vg / (C - 1));
                        for (int c = 0; c < C; ++c) {
                            float& o = v[n + b * per + c * T + f];
                            o = static_cast<float>(phi * (o * ratio) + (1.0 - phi) * o);
                        }
                    }
            }
            v += n;
        }
        if (rf) {
            for (std::size_t k = 0; k < n; ++k) Dn[k] = static_cast<float>(x[k] - s * v[k]);
        } else {
            const double c_skip = 1.0 / (s * s + 1.0), c_out = -s / std::sqrt(s * s + 1.0);
            for (std::size_t k = 0; k < n; ++k) Dn[k] = static_cast<float>(v[k] * c_out + x[k] * c_skip);
        }
    };
    nn::Rng rng(opt.seed ^ 0x5a0f5a0fULL);
    auto draw = [&](int i, float* eps) {
        if (opt.step_noise) std::memcpy(eps, opt.step_noise + static_cast<std::size_t>(i) * n, n * sizeof(float));
        else
            for (std::size_t k = 0; k < n; ++k) eps[k] = rng.normal();
    };
    if (!sampling::run_k_sampler(opt.sampler, latents, sig, denoise, draw, opt.progress)) {
        err = "cancelled";
        return false;
    }
    return true;
}

bool StableAudioModel::enable_cuda(cuda_nn::DType dtype, std::string& err) {
    std::unique_ptr<SaDitCuda> g(new SaDitCuda);
    if (!g->upload(dit_, dtype, err)) return false;
    std::unique_ptr<OobleckCuda> d(new OobleckCuda);
    if (!d->upload(dec_, dtype, err)) return false;
    std::unique_ptr<T5Cuda> t;
    if (t5_loaded_) {
        t.reset(new T5Cuda);
        if (!t->upload(t5_, dtype, err)) return false;
    }
    gpu_ = std::move(g);
    dec_gpu_ = std::move(d);
    t5_gpu_ = std::move(t);
    return true;
}

bool StableAudioModel::dit_cuda(const float* x, int batch, int T, const float* t, const float* cross, int n_ctx,
                                const float* global, std::vector<float>& v, std::string& err) {
    if (!cuda_enabled()) { err = "the GPU is not enabled for this model (enable_cuda)"; return false; }
    v.resize(static_cast<std::size_t>(batch) * cfg_.latent_dim * T);
    return gpu_->forward(x, batch, T, t, cross, n_ctx, global, v.data(), err);
}

// The loop on the GPU with the CPU loop's noise: the same generator, drawn in the same order
// (n values for each step whose update adds noise), so one seed gives one trajectory on both.
bool StableAudioModel::sample_cuda(const float* noise, int batch, int T, const float* cross, int n_ctx,
                                   const float* global, const SampleOptions& opt, const std::vector<double>& sig,
                                   std::vector<float>& latents, std::string& err) {
    CudaSampleSpec spec;
    spec.sampler = opt.sampler;
    spec.rectified_flow = cfg_.rectified_flow();
    spec.sigmas = sig;
    spec.coefs = sampling::k_step_table(opt.sampler, sig);
    spec.cfg = opt.cfg;
    spec.scale_phi = opt.scale_phi;
    const std::size_t n = static_cast<std::size_t>(batch) * cfg_.latent_dim * T;
    const int steps = static_cast<int>(spec.coefs.size());
    std::vector<float> drawn;
    if (opt.step_noise) {
        spec.step_noise = opt.step_noise;
    } else {
        drawn.assign(static_cast<std::size_t>(steps) * n, 0.0f);
        nn::Rng rng(opt.seed ^ 0x5a0f5a0fULL);
        for (int i = 0; i < steps; ++i)
            if (spec.coefs[i].ce != 0)
                for (std::size_t k = 0; k < n; ++k) drawn[static_cast<std::size_t>(i) * n + k] = rng.normal();
        spec.step_noise = drawn.data();
    }
    latents.resize(n);
    if (!gpu_->sample(noise, batch, T, cross, n_ctx, global, spec, latents.data(), err)) return false;
    if (opt.progress && !opt.progress(steps, steps)) { err = "cancelled"; return false; }
    return true;
}

void StableAudioModel::decode(const float* latents, int batch, int T, std::vector<float>& audio) {
    const int C = cfg_.latent_dim;
    const std::size_t per_out = static_cast<std::size_t>(cfg_.audio_channels) * T * cfg_.downsampling_ratio;
    audio.resize(per_out * batch);
    std::vector<float> z(static_cast<std::size_t>(C) * T), one;
    for (int b = 0; b < batch; ++b) {
        const float* l = latents + static_cast<std::size_t>(b) * C * T;
        const double scale = cfg_.pretransform_scale;
        for (std::size_t k = 0; k < z.size(); ++k) z[k] = static_cast<float>(l[k] * scale);
        std::string err;
        if (!(dec_gpu_ && dec_gpu_->ready() && dec_gpu_->decode(z.data(), T, one, err)))
            oobleck_decode(dec_, z.data(), T, one, pool_.get());
        std::memcpy(audio.data() + b * per_out, one.data(), per_out * sizeof(float));
    }
}

}  // namespace bewo::sa
