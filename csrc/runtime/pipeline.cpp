#include "pipeline.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <set>

#include "../dsp/renderer.h"
#include "../nn/json.h"
#include "../nn/sha256.h"
#include "../nn/synthesis.h"
#include "../sampling/sampler.h"
#include "room_scene.h"

namespace bewo::rt {

namespace {

constexpr const char* kFormat = "bewo_rt.bundle/1";
constexpr int kMaxSources = 4;

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string shape_tuple(const std::vector<std::int64_t>& s) {  // Python's str(tuple(shape))
    std::string o = "(";
    for (std::size_t i = 0; i < s.size(); ++i) o += (i ? ", " : "") + std::to_string(s[i]);
    return o + (s.size() == 1 ? ",)" : ")");
}

bool parse_config(const std::string& text, ModelConfig& c, std::string& err) {
    json::Value v;
    std::string jerr;
    if (!json::parse(text.data(), text.size(), v, jerr) || v.kind != json::Value::Object) {
        err = "bad metadata: config is not a JSON object";
        return false;
    }
    struct IntField { const char* name; int* dst; int lo, hi; };
    const IntField ints[] = {{"vae_width", &c.vae_width, 8, 4096},        {"latent_channels", &c.latent_channels, 5, 256},
                             {"downsamples", &c.downsamples, 0, 6},       {"dit_width", &c.dit_width, 2, 4096},
                             {"dit_depth", &c.dit_depth, 1, 128},         {"dit_heads", &c.dit_heads, 1, 64},
                             {"azimuth_bins", &c.azimuth_bins, 2, 360},   {"azimuth_columns", &c.azimuth_columns, 1, 4096},
                             {"max_text_tokens", &c.max_text_tokens, 2, 512}};
    for (const auto& kv : v.obj) {
        bool known = false;
        for (const auto& f : ints)
            if (kv.first == f.name) {
                known = true;
                if (!kv.second.is_int() || kv.second.num < f.lo || kv.second.num > f.hi) {
                    err = std::string("bad metadata: config.") + f.name + " must be an integer in [" + std::to_string(f.lo) +
                          ", " + std::to_string(f.hi) + "]";
                    return false;
                }
                *f.dst = static_cast<int>(kv.second.num);
            }
        if (kv.first == "fusion") {
            known = true;
            if (kv.second.kind != json::Value::String || (kv.second.str != "aligned" && kv.second.str != "bewo")) {
                err = "bad metadata: config.fusion must be 'aligned' or 'bewo'";
                return false;
            }
            c.fusion = kv.second.str;
        } else if (kv.first == "seconds") {
            known = true;
            if (kv.second.kind != json::Value::Number || !(kv.second.num > 0)) { err = "bad metadata: config.seconds"; return false; }
            c.seconds = kv.second.num;
        }
        if (!known) { err = "bad metadata: unknown model config key \"" + kv.first + "\""; return false; }
    }
    return true;
}

}  // namespace

void peak_normalise(float* audio, std::size_t n, float dbfs) {
    float peak = 0.0f;
    for (std::size_t i = 0; i < n; ++i) peak = std::max(peak, std::fabs(audio[i]));
    if (peak <= 0.0f) return;
    const float g = static_cast<float>(std::pow(10.0, dbfs / 20.0) / peak);
    for (std::size_t i = 0; i < n; ++i) audio[i] *= g;
}

bool Pipeline::load_file(const std::string& path, const std::string& te_dir, int n_threads, bool check_te,
                         std::string& err) {
    std::string e;
    if (!st_.open_file(path, e)) { err = "model bundle " + path + " is not usable: " + e; return false; }
    if (!finish_load(te_dir, n_threads, check_te, e)) { err = "model bundle " + path + " is not usable: " + e; return false; }
    return true;
}

bool Pipeline::load_memory(const void* data, std::size_t size, const std::string& te_dir, int n_threads,
                           bool check_te, std::string& err) {
    std::string e;
    if (!st_.open_memory(data, size, e) || !finish_load(te_dir, n_threads, check_te, e)) {
        err = "model bundle (in memory) is not usable: " + e;
        return false;
    }
    return true;
}

bool Pipeline::finish_load(const std::string& te_dir, int n_threads, bool check_te, std::string& err) {
    const auto& md = st_.metadata();
    auto get = [&](const char* k) -> const std::string* {
        auto it = md.find(k);
        return it == md.end() ? nullptr : &it->second;
    };
    const std::string* fmt = get("format");
    if (!fmt || *fmt != kFormat) {
        err = "format is " + (fmt ? "'" + *fmt + "'" : std::string("missing")) + ", expected '" + kFormat + "'";
        return false;
    }
    const std::string *cfg_s = get("config"), *scale_s = get("latent_scale"), *hash_s = get("hashes"), *te_s = get("text_encoder");
    if (!cfg_s || !scale_s || !hash_s || !te_s) { err = "bad metadata (config, latent_scale, hashes or text_encoder missing)"; return false; }
    if (!parse_config(*cfg_s, cfg_, err)) return false;
    json::Value scale, hashes, te;
    std::string jerr;
    if (!json::parse(scale_s->data(), scale_s->size(), scale, jerr) || scale.kind != json::Value::Array ||
        static_cast<int>(scale.arr.size()) != cfg_.latent_channels) {
        err = "bad metadata (latent_scale must be " + std::to_string(cfg_.latent_channels) + " positive numbers)";
        return false;
    }
    scale_.clear();
    for (const auto& s : scale.arr) {
        if (s.kind != json::Value::Number || !(s.num > 0)) { err = "bad metadata (latent_scale must be positive numbers)"; return false; }
        scale_.push_back(static_cast<float>(s.num));
    }
    if (!json::parse(hash_s->data(), hash_s->size(), hashes, jerr) || hashes.kind != json::Value::Object ||
        !json::parse(te_s->data(), te_s->size(), te, jerr) || te.kind != json::Value::Object) {
        err = "bad metadata (hashes and text_encoder must be JSON objects)";
        return false;
    }
    for (const char* group : {"vae_decoder", "dit", "fusion"}) {
        nn::Sha256 h;
        const std::string prefix = std::string(group) + ".";
        for (const auto& kv : st_.tensors()) {  // std::map: sorted by name, as Python's sorted()
            const std::string& k = kv.first;
            if (k.compare(0, prefix.size(), prefix) != 0 && k != group) continue;
            const std::string shp = shape_tuple(kv.second.shape);
            h.update(k.data(), k.size());
            h.update(shp.data(), shp.size());
            h.update(kv.second.data, kv.second.bytes);
        }
        const json::Value* want = hashes.get(group);
        if (!want || want->kind != json::Value::String || want->str != h.hex()) {
            err = std::string("the ") + group + " tensors do not match their recorded SHA-256 (damaged file)";
            return false;
        }
    }
    if (check_te) {
        const json::Value* shas = te.get("sha256");
        if (shas && shas->kind == json::Value::Object)
            for (const auto& kv : shas->obj) {
                if (kv.first.empty() || kv.first.find('/') != std::string::npos || kv.first.find('\\') != std::string::npos ||
                    kv.first[0] == '.') {
                    err = "bad metadata (text_encoder.sha256 names \"" + kv.first + "\", not a plain file name)";
                    return false;
                }
                std::string ferr;
                const std::string file = te_dir + "/" + kv.first;
                const std::string got = nn::sha256_file(file, ferr);
                if (got.empty()) { err = "text encoder: " + ferr; return false; }
                if (kv.second.kind != json::Value::String || got != kv.second.str) {
                    err = "it was trained with another text encoder: " + file + " differs from the recorded SHA-256";
                    return false;
                }
            }
    }
    nn::DitConfig dc;
    dc.latent_channels = cfg_.latent_channels;
    dc.width = cfg_.dit_width;
    dc.depth = cfg_.dit_depth;
    dc.heads = cfg_.dit_heads;
    dc.azimuth_bins = cfg_.azimuth_bins;
    dc.rows = kMaxSources * cfg_.azimuth_bins;
    dc.fusion_bewo = cfg_.fusion == "bewo";
    dc.azimuth_columns = cfg_.azimuth_columns;
    dc.max_text_tokens = cfg_.max_text_tokens;
    std::string e;
    if (!nn::load_dit(st_, dc, dit_, e)) { err = "tensors do not fit the recorded config (" + e + ")"; return false; }
    if (!nn::load_decoder(st_, cfg_.vae_width, cfg_.latent_channels, cfg_.downsamples, dec_, e)) {
        err = "tensors do not fit the recorded config (" + e + ")";
        return false;
    }
    if (!te_.load(te_dir, e)) { err = "text encoder: " + e; return false; }
    pool_ = std::make_unique<nn::ThreadPool>(n_threads);
    return true;
}

bool Pipeline::enable_gpu() {
    auto d = std::make_unique<cuda_nn::DitCuda>();
    std::string e;
    if (dit_.blocks.empty()) { gpu_status_ = "no model loaded"; return false; }
    if (!d->upload(dit_, cuda_nn::DType::F16, e)) {
        gpu_status_ = "CPU (CUDA unavailable: " + e + ")";
        return false;
    }
    dit_cuda_ = std::move(d);
    cuda_nn::DeviceInfo info;
    gpu_status_ = cuda_nn::device_info(&info).empty() ? "cuda: " + info.name : "cuda";
    auto dec = std::make_unique<cuda_nn::VaeDecoderCuda>();
    auto syn = std::make_unique<cuda_nn::SynthesisCuda>();
    if (dec->upload(dec_, e) && syn->init(e)) {
        dec_cuda_ = std::move(dec);
        synth_cuda_ = std::move(syn);
    } else {
        gpu_status_ += " (decoder and synthesis on the CPU: " + e + ")";
    }
    return true;
}

bool Pipeline::encode_text(const std::string& prompt, std::vector<float>& hidden, int& n_tokens, std::string& err) {
    return te_.encode(prompt, cfg_.max_text_tokens, hidden, n_tokens, err, pool_.get());
}

bool Pipeline::sample_latents(const std::vector<std::string>& prompts, const std::vector<std::vector<float>>& states,
                              int frames, const GenerateOptions& opt, std::vector<float>& latents, std::string& err) {
    const int B = static_cast<int>(prompts.size()), C = cfg_.latent_channels, d = cfg_.dit_width;
    const int rows = kMaxSources * cfg_.azimuth_bins, cols = state_columns(frames);
    if (B < 1 || states.size() != prompts.size()) { err = "one azimuth state per prompt is needed"; return false; }
    if (opt.steps < 1 || opt.steps > 1000) { err = "steps must be in [1, 1000]"; return false; }
    for (const auto& s : states)
        if (s.size() != static_cast<std::size_t>(rows) * cols) {
            err = "azimuth state must be (" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
            return false;
        }
    double t0 = now();
    // Context per batch item: cond items first, then the unconditional ones (as the reference).
    std::vector<std::vector<float>> ctxs(2 * B);
    std::vector<std::vector<std::uint8_t>> masks(2 * B);
    int n_ctx = 0;
    std::vector<float> hidden;
    for (int b = 0; b < B; ++b) {
        int nt = 0;
        if (!te_.encode(prompts[b], cfg_.max_text_tokens, hidden, nt, err, pool_.get())) return false;
        nn::dit_context(dit_, hidden.data(), nt, states[b].data(), true, ctxs[b], masks[b], pool_.get());
        nn::dit_context(dit_, hidden.data(), nt, states[b].data(), false, ctxs[B + b], masks[B + b], pool_.get());
        n_ctx = std::max(n_ctx, static_cast<int>(masks[b].size()));
    }
    // Pad every context to the longest (masked), as the batched reference does.
    std::vector<float> ctx(static_cast<std::size_t>(2 * B) * n_ctx * d, 0.0f);
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(2 * B) * n_ctx, 0);
    for (int b = 0; b < 2 * B; ++b) {
        std::memcpy(ctx.data() + static_cast<std::size_t>(b) * n_ctx * d, ctxs[b].data(), sizeof(float) * ctxs[b].size());
        std::memcpy(mask.data() + static_cast<std::size_t>(b) * n_ctx, masks[b].data(), masks[b].size());
    }
    std::vector<float> cross_kv;
    if (!dit_cuda_) nn::dit_cross_kv(dit_, ctx.data(), 2 * B, n_ctx, cross_kv, pool_.get());
    std::vector<float> state2(static_cast<std::size_t>(2 * B) * rows * cols);
    for (int b = 0; b < 2 * B; ++b)
        std::memcpy(state2.data() + static_cast<std::size_t>(b) * rows * cols, states[b % B].data(), sizeof(float) * rows * cols);
    std::vector<std::uint8_t> cond(2 * B, 0);
    for (int b = 0; b < B; ++b) cond[b] = 1;
    timings_.text_s = now() - t0;

    t0 = now();
    const std::size_t n = static_cast<std::size_t>(B) * C * frames;
    std::vector<float> x(n), x2(2 * n), v(2 * n), prev_d(n, 0.0f);
    const auto ts = sampling::timesteps(opt.steps);
    const float s0 = static_cast<float>(std::sin(0.5 * M_PI * ts[0]));
    if (opt.noise) {
        for (std::size_t i = 0; i < n; ++i) x[i] = opt.noise[i] * s0;
    } else {
        nn::Rng rng(opt.seed);
        for (std::size_t i = 0; i < n; ++i) x[i] = rng.normal() * s0;
    }
    if (dit_cuda_) {
        // All steps in one CUDA graph: the coefficients of every step are known up front.
        std::vector<sampling::StepCoefficients> coeffs;
        double ph = 0.0;
        for (int i = 0; i < opt.steps; ++i) {
            double h = 0.0;
            coeffs.push_back(sampling::step_coefficients(opt.sampler, ts[i], ts[i + 1], ph, i > 0 && opt.sampler == 0, opt.cfg, &h));
            ph = h;
            if (coeffs.back().last) break;
        }
        const std::size_t half = static_cast<std::size_t>(B) * n_ctx * d;
        std::vector<float> out(n);
        std::string e;
        if (!dit_cuda_->sample(x.data(), B, frames, ctx.data(), ctx.data() + half, n_ctx, mask.data(),
                               mask.data() + static_cast<std::size_t>(B) * n_ctx, state2.data(), ts, coeffs, out.data(), e)) {
            err = "CUDA sampling failed: " + e;
            return false;
        }
        timings_.gpu_ms = dit_cuda_->last_sample_ms();
        x.swap(out);
        if (opt.progress && !opt.progress(opt.steps, opt.steps)) { err = "cancelled"; return false; }
    } else {
    double prev_h = 0.0;
    bool have_prev = false;
    for (int i = 0; i < opt.steps; ++i) {
        std::memcpy(x2.data(), x.data(), sizeof(float) * n);
        std::memcpy(x2.data() + n, x.data(), sizeof(float) * n);
        nn::dit_forward(dit_, x2.data(), 2 * B, frames, static_cast<float>(ts[i]), cross_kv.data(), n_ctx, mask.data(),
                        state2.data(), cond.data(), v.data(), scratch_, pool_.get());
        double h = 0.0;
        const auto c = sampling::step_coefficients(opt.sampler, ts[i], ts[i + 1], prev_h, have_prev, opt.cfg, &h);
        sampling::sampler_step(x.data(), v.data(), v.data() + n, prev_d.data(), n, c);
        prev_h = h;
        have_prev = opt.sampler == 0;
        if (opt.progress && !opt.progress(i + 1, opt.steps)) { err = "cancelled"; return false; }
        if (c.last) break;
    }
    }
    latents.resize(n);
    for (int b = 0; b < B; ++b)
        for (int ch = 0; ch < C; ++ch)
            for (int f = 0; f < frames; ++f) {
                const std::size_t i = (static_cast<std::size_t>(b) * C + ch) * frames + f;
                latents[i] = x[i] / scale_[ch];
            }
    timings_.sample_s = now() - t0;
    return true;
}

void Pipeline::decode_features(const float* latent, int frames, std::vector<float>& feats) {
    std::string e;
    if (dec_cuda_ && dec_cuda_->decode(latent, frames, feats, e)) return;
    nn::decode(dec_, latent, frames, feats, pool_.get());
}

void Pipeline::decode(const float* latent, int frames, int samples, std::uint64_t seed, int iterations,
                      std::vector<float>& audio, const float* start_phase) {
    double t0 = now();
    timings_.synth_gpu_ms = 0.0;
    // Arguments the GPU path refuses go to the CPU without switching the GPU off.
    const bool gpu_args = frames >= 1 && iterations >= 0 && iterations <= 1000 &&
                          (static_cast<long long>(frames) << cfg_.downsamples) <= (1LL << 22);
    if (dec_cuda_ && synth_cuda_ && gpu_args) {
        const float *mid = nullptr, *spatial = nullptr;
        std::string e;
        if (dec_cuda_->decode_device(latent, frames, synth_cuda_->stream(), &mid, &spatial, e)) {
            timings_.decode_s = now() - t0;  // queued; its device time is inside synth_s
            t0 = now();
            if (synth_cuda_->synthesise_device(mid, spatial, frames << cfg_.downsamples, samples, iterations, seed,
                                               start_phase, audio, e)) {
                timings_.synth_s = now() - t0;
                timings_.synth_gpu_ms = synth_cuda_->last_ms();
                return;
            }
        }
        // A device failure mid-clip: this and later clips are decoded on the CPU.
        gpu_status_ += " (decoder and synthesis back on the CPU: " + e + ")";
        dec_cuda_.reset();
        synth_cuda_.reset();
        t0 = now();
    }
    std::vector<float> feats;
    nn::decode(dec_, latent, frames, feats, pool_.get());
    timings_.decode_s = now() - t0;
    t0 = now();
    nn::synthesise(feats.data(), frames << cfg_.downsamples, samples, iterations, seed, start_phase, audio, pool_.get());
    timings_.synth_s = now() - t0;
}

bool Pipeline::generate(const std::string& prompt_in, const SceneSpec* scene_in, const GenerateOptions& opt,
                        const HrtfSet* hrtf, std::vector<float>& audio, std::string& err) {
    const double t_start = now();
    if (!(opt.seconds >= 0.5 && opt.seconds <= 30.0)) { err = "seconds must be in [0.5, 30]"; return false; }
    if (!std::isfinite(opt.cfg) || opt.cfg < 0 || opt.cfg > 50) { err = "cfg must be in [0, 50]"; return false; }
    if (opt.sampler != 0 && opt.sampler != 1) { err = "sampler must be 0 (dpmpp-2m) or 1 (euler)"; return false; }
    if (opt.griffin_lim_iterations < 0 || opt.griffin_lim_iterations > 1000) {
        err = "griffin_lim_iterations must be in [0, 1000]";
        return false;
    }
    SceneSpec scene = scene_in ? *scene_in : scene_from_prompt_words(prompt_in);
    std::string prompt = prompt_in;
    if (prompt.empty()) {
        for (const auto& s : scene.sources)
            if (!s.label.empty()) prompt += (prompt.empty() ? "" : " and ") + s.label;
        if (prompt.empty()) { err = "scene has no labelled source and no prompt was given"; return false; }
    }
    scene.duration_s = opt.seconds;
    const int samples = samples_for(opt.seconds), frames = frames_for(opt.seconds), hop_s = hop();
    const int cols = state_columns(frames);
    std::vector<float> lat;
    timings_ = Timings();
    if (!opt.cascaded) {
        std::vector<float> state;
        if (!azimuth_state(scene, opt.seconds, cols, cfg_.azimuth_bins, state, err)) return false;
        if (!sample_latents({prompt}, {state}, frames, opt, lat, err)) return false;
        std::vector<float> full;
        decode(lat.data(), frames, frames * hop_s, opt.seed, opt.griffin_lim_iterations, full);
        audio.assign(static_cast<std::size_t>(2) * samples, 0.0f);
        for (int ch = 0; ch < 2; ++ch)
            std::memcpy(audio.data() + static_cast<std::size_t>(ch) * samples,
                        full.data() + static_cast<std::size_t>(ch) * frames * hop_s, sizeof(float) * samples);
    } else {
        if (scene.sources.empty()) { err = "no sound source found; cascaded mode needs at least one"; return false; }
        if (scene.sources.size() > 16) { err = "cascaded mode takes at most 16 sources"; return false; }
        if (!hrtf || std::lround(hrtf->sample_rate()) != sample_rate()) {
            err = "cascaded mode needs an HRTF set at 16000 Hz";
            return false;
        }
        std::vector<std::string> prompts;
        std::vector<std::vector<float>> states;
        for (const auto& s : scene.sources) {
            prompts.push_back(scene.sources.size() == 1 ? prompt : (s.label.empty() ? prompt : s.label));
            SceneSpec ahead;
            SceneSource a;
            a.label = s.label.empty() ? "sound" : s.label;
            ahead.sources.push_back(a);
            ahead.duration_s = opt.seconds;
            states.emplace_back();
            if (!azimuth_state(ahead, opt.seconds, cols, cfg_.azimuth_bins, states.back(), err)) return false;
        }
        if (!sample_latents(prompts, states, frames, opt, lat, err)) return false;
        const double t0 = now();
        const std::size_t ns = scene.sources.size();
        std::vector<std::vector<float>> mono(ns);
        std::vector<std::vector<Keyframe>> kfs(ns);
        std::vector<SourceInput> inputs(ns);
        const int C = cfg_.latent_channels;
        for (std::size_t k = 0; k < ns; ++k) {
            std::vector<float> full;
            decode(lat.data() + k * static_cast<std::size_t>(C) * frames, frames, frames * hop_s, opt.seed,
                   opt.griffin_lim_iterations, full);
            // Ears averaged to mono, peak -1 dBFS then -6 dB, placed from the source's start time.
            std::vector<float> m(samples);
            for (int i = 0; i < samples; ++i) m[i] = 0.5f * (full[i] + full[static_cast<std::size_t>(frames) * hop_s + i]);
            peak_normalise(m.data(), m.size());
            const auto& src = scene.sources[k];
            // Computed in double and bounded before the conversion: a start far beyond the clip is
            // silence (an int conversion of it would wrap; found by fuzzing).
            const double start = std::round(src.start_time_s * sample_rate());
            const int offset = start >= samples ? samples : static_cast<int>(std::max(0.0, start));
            mono[k].assign(samples, 0.0f);
            for (int i = 0; i + offset < samples; ++i) mono[k][i + offset] = 0.5f * m[i];
            kfs[k] = source_keyframes(src, opt.seconds);
            inputs[k] = {mono[k].data(), mono[k].size(), kfs[k].data(), kfs[k].size(), std::pow(10.0, src.gain_db / 20.0)};
        }
        audio.assign(static_cast<std::size_t>(2) * samples, 0.0f);
        // As bewo_rt.room.simulate_scene renders the Python pipeline's cascaded mode (room_scene.h):
        // indoors image sources and a diffuse tail per position, outdoors the free field and a ground
        // reflection, crossfaded per 256-sample block, the tail noise seeded from the seed.
        RoomSceneOptions ro;
        ro.block_size = 256;
        ro.n_threads = pool_->size();
        if (!render_room_scene(scene, *hrtf, sample_rate(), inputs.data(), ns, samples, opt.seed, ro, audio.data(),
                               audio.data() + samples, err))
            return false;
        timings_.render_s = now() - t0;
    }
    for (float v : audio)
        if (!std::isfinite(v)) { err = "internal error: the output holds NaN or Inf"; return false; }
    peak_normalise(audio.data(), audio.size());
    timings_.total_s = now() - t_start;
    return true;
}

}  // namespace bewo::rt
