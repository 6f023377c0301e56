#include "sao_generator.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>

#include "../nn/read_file.h"
#include "../nn/safetensors.h"
#include "../nn/synthesis.h"
#include "pipeline.h"
#include "room_scene.h"

namespace bewo::rt {

namespace {

bool is_dir(const std::string& p) {
    struct stat s;
    return ::stat(p.c_str(), &s) == 0 && S_ISDIR(s.st_mode);
}

bool is_file(const std::string& p) {
    struct stat s;
    return ::stat(p.c_str(), &s) == 0 && S_ISREG(s.st_mode);
}

std::string parent_of(const std::string& p) {
    const auto i = p.find_last_of('/');
    return i == std::string::npos ? "." : p.substr(0, i);
}

// The config text for a weights file: its metadata (bewo-rt convert), else model_config.json beside it.
bool config_for(const std::string& weights, std::string& text, std::string& err) {
    nn::SafeTensors st;
    if (!st.open_file(weights, err)) { err = weights + ": " + err; return false; }
    auto it = st.metadata().find("model_config");
    if (it != st.metadata().end()) { text = it->second; return true; }
    const std::string side = parent_of(weights) + "/model_config.json";
    if (nn::read_text_file(side, text)) return true;
    err = weights + " carries no model config and there is no model_config.json beside it";
    return false;
}

}  // namespace

bool is_stable_audio_path(const std::string& path) {
    if (is_dir(path)) return is_file(path + "/model_config.json");
    if (!is_file(path)) return false;
    nn::SafeTensors st;
    std::string err;
    if (!st.open_file(path, err)) return false;
    if (st.metadata().count("model_config")) return true;
    if (st.metadata().count("format")) return false;  // the tiny model's bundle
    return is_file(parent_of(path) + "/model_config.json");
}

bool SaoGenerator::load(const std::string& model_path, const std::string& t5_dir, int n_threads, std::string& err) {
    std::string weights = model_path, text;
    if (is_dir(model_path)) {
        weights = model_path + "/model.safetensors";
        if (!is_file(weights)) {
            err = model_path + " holds no model.safetensors (a .ckpt must be converted once: bewo-rt convert CKPT --config "
                               "JSON -o model.safetensors)";
            return false;
        }
        if (!nn::read_text_file(model_path + "/model_config.json", text) && !config_for(weights, text, err)) return false;
    } else if (!config_for(weights, text, err)) {
        return false;
    }
    if (t5_dir.empty()) {
        err = "the Stable Audio Open family needs a T5 folder (t5-base: config.json, model.safetensors, spiece.model): "
              "set params->t5_path or BEWO_T5";
        return false;
    }
    sa::LoadOptions o;
    o.n_threads = n_threads;
    if (!model_.load(weights, text, t5_dir, "", o, err)) return false;
    if (!tok_.load(t5_dir, model_.t5_max_length(), err)) { err = t5_dir + ": " + err; return false; }
    // Published settings: SAO Small's pingpong for rectified flow; BEWO's for the attribute
    // models (their position conditioner) and files named after BEWO; SAO 1.0's model card else.
    defaults_ = SaoDefaults();
    std::string lower = model_path;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    bool bewo = lower.find("bewo") != std::string::npos;
    for (const auto& c : model_.config().conditioners) bewo = bewo || c.type == "position";
    if (model_.config().rectified_flow()) {
        defaults_.steps = 8;
        defaults_.cfg = 1.0f;
        defaults_.sampler = sampling::KSampler::Pingpong;
        defaults_.sigma_min = 0;
        defaults_.sigma_max = 1;
    } else if (bewo) {
        defaults_.steps = 250;
        defaults_.cfg = 7.5f;
        defaults_.sigma_min = 0.03;
        defaults_.sigma_max = 1000;
    }
    return true;
}

std::size_t SaoGenerator::samples_for(double seconds) const {
    return static_cast<std::size_t>(std::llround(seconds * sample_rate()));
}

double SaoGenerator::max_seconds() const {
    return std::max(47.55, model_.config().max_seconds());
}

bool SaoGenerator::has_positions() const {
    for (const auto& c : model_.config().conditioners)
        if (c.type == "position") return true;
    return false;
}

bool SaoGenerator::generate(const SaoRequest& req, SaoOutput& out, std::string& err) {
    const double seconds = req.seconds;
    if (!(seconds > 0) || seconds > max_seconds() + 1e-9) {
        err = "seconds must be in (0, " + std::to_string(max_seconds()) + "] for this model";
        return false;
    }
    std::string prompt = req.prompt;
    if (prompt.empty() && req.scene) {
        for (const auto& s : req.scene->sources)
            if (!s.label.empty()) prompt += (prompt.empty() ? "" : " and ") + s.label;
    }
    if (prompt.empty()) { err = "give a prompt, or a scene whose sources have labels"; return false; }
    const bool pos_model = has_positions();
    SceneSpec scene;
    const bool placing = req.cascaded || pos_model;
    if (placing) scene = req.scene ? *req.scene : scene_from_prompt_words(prompt);
    scene.duration_s = seconds;
    out = SaoOutput();

    std::vector<std::string> prompts;
    std::vector<float> positions;  // (batch, 4, 4)
    std::vector<int> counts;
    if (!req.cascaded) {
        if (!pos_model && req.scene) {
            err = "this model reads the prompt alone and cannot place a scene's sources in the one-stage mode: use the "
                  "cascaded mode to place them";
            return false;
        }
        prompts = {prompt};
        if (pos_model) {
            if (!bewo_positions(scene, seconds, out.positions, err)) return false;
            positions.assign(16, 0.0f);
            for (std::size_t k = 0; k < out.positions.size(); ++k) {
                const auto& p = out.positions[k];
                const float t[4] = {float(p.start_dir), float(p.end_dir), float(p.speed), float(p.flag)};
                std::copy_n(t, 4, positions.data() + 4 * k);
            }
            counts = {static_cast<int>(out.positions.size())};
            out.n_sources = out.positions.size();
        }
    } else {
        if (scene.sources.empty()) { err = "no sound source found; the cascaded mode needs at least one"; return false; }
        if (scene.sources.size() > 16) { err = "the cascaded mode takes at most 16 sources"; return false; }
        if (!req.hrtf || std::lround(req.hrtf->sample_rate()) != sample_rate()) {
            err = "the cascaded mode needs an HRTF set at " + std::to_string(sample_rate()) +
                  " Hz, the model's rate (the package ships kemar_" + std::to_string(sample_rate()) +
                  ".safetensors in bewo_rt/data)";
            return false;
        }
        for (const auto& s : scene.sources)
            prompts.push_back(scene.sources.size() == 1 || s.label.empty() ? prompt : s.label);
        if (pos_model) {
            positions.assign(prompts.size() * 16, 0.0f);
            counts.assign(prompts.size(), 1);
            for (std::size_t b = 0; b < prompts.size(); ++b) {
                positions[16 * b] = positions[16 * b + 1] = 3.0f;  // held ahead
                positions[16 * b + 3] = 1.0f;
            }
        }
        out.n_sources = scene.sources.size();
    }
    const int B = static_cast<int>(prompts.size());
    std::vector<std::int32_t> ids;
    std::vector<std::uint8_t> mask;
    if (!tok_.encode(prompts, ids, mask, err)) return false;
    const int L = model_.t5_max_length();
    std::vector<float> h;
    if (!model_.encode_text(ids.data(), mask.data(), B, L, h, err)) return false;
    std::map<std::string, std::vector<double>> numbers;
    for (const auto& c : model_.config().conditioners) {
        if (c.type != "number") continue;
        if (c.id == "seconds_start") numbers[c.id] = std::vector<double>(B, 0.0);
        else if (c.id == "seconds_total") numbers[c.id] = std::vector<double>(B, seconds);
        else { err = "the model has a number conditioner \"" + c.id + "\" this runtime cannot fill"; return false; }
    }
    std::vector<float> cross, global;
    int n_ctx = 0;
    if (pos_model && positions.empty()) {
        positions.assign(static_cast<std::size_t>(B) * 16, 0.0f);
        counts.assign(B, 0);
    }
    if (!model_.conditioning(h.data(), mask.data(), B, L, numbers, positions.empty() ? nullptr : positions.data(),
                             counts.empty() ? nullptr : counts.data(), cross, n_ctx, global, err))
        return false;
    const int ratio = model_.config().downsampling_ratio, C = model_.config().latent_dim;
    const std::size_t n = samples_for(seconds);
    const int T = static_cast<int>((n + ratio - 1) / ratio);
    // The same generator as the Python API's noise for a seed (bewo_rt native_noise), drawn for
    // the whole batch in order.
    std::vector<float> noise(static_cast<std::size_t>(B) * C * T);
    nn::Rng rng(req.seed);
    for (float& v : noise) v = rng.normal();
    sa::SampleOptions o;
    o.steps = req.steps > 0 ? req.steps : defaults_.steps;
    o.cfg = req.cfg >= 0 ? req.cfg : defaults_.cfg;
    o.sampler = req.sampler ? *req.sampler : defaults_.sampler;
    o.seed = req.seed;
    o.sigma_min = defaults_.sigma_min;
    o.sigma_max = defaults_.sigma_max;
    o.progress = req.progress;
    std::vector<float> lat, full;
    if (!model_.sample(noise.data(), B, T, cross.data(), n_ctx, global.empty() ? nullptr : global.data(), o, lat, err))
        return false;
    const std::size_t per = static_cast<std::size_t>(T) * ratio;
    const int ch = channels();
    const std::size_t latent_size = static_cast<std::size_t>(C) * T;
    if (!req.cascaded) {
        model_.decode(lat.data(), 1, T, full);
        out.audio.resize(static_cast<std::size_t>(ch) * n);
        for (int c = 0; c < ch; ++c) std::copy_n(full.data() + c * per, n, out.audio.data() + c * n);
        return true;
    }
    // Cascaded: one clip at a time through the decoder (its activations grow with the batch); the
    // channels averaged to mono, peak -1 dBFS then -6 dB, placed from the source's start time,
    // as the shipped model's cascaded mode (pipeline.cpp) and bewo_rt.models.spatial.place.
    const std::size_t ns = scene.sources.size();
    std::vector<std::vector<float>> mono(ns);
    std::vector<std::vector<Keyframe>> kfs(ns);
    std::vector<SourceInput> inputs(ns);
    for (std::size_t k = 0; k < ns; ++k) {
        model_.decode(lat.data() + k * latent_size, 1, T, full);
        std::vector<float> m(n, 0.0f);
        for (std::size_t i = 0; i < n; ++i) {
            double acc = 0.0;
            for (int c = 0; c < ch; ++c) acc += full[c * per + i];
            m[i] = static_cast<float>(acc / ch);
        }
        peak_normalise(m.data(), m.size());
        const auto& src = scene.sources[k];
        const double start = std::round(src.start_time_s * sample_rate());
        const std::size_t offset = start >= static_cast<double>(n) ? n : static_cast<std::size_t>(std::max(0.0, start));
        mono[k].assign(n, 0.0f);
        for (std::size_t i = 0; i + offset < n; ++i) mono[k][i + offset] = 0.5f * m[i];
        kfs[k] = source_keyframes(src, seconds);
        inputs[k] = {mono[k].data(), mono[k].size(), kfs[k].data(), kfs[k].size(), std::pow(10.0, src.gain_db / 20.0)};
    }
    out.audio.assign(2 * n, 0.0f);
    RoomSceneOptions ro;
    ro.block_size = 256;
    ro.n_threads = model_.pool() ? static_cast<int>(model_.pool()->size()) : 1;
    if (!render_room_scene(scene, *req.hrtf, sample_rate(), inputs.data(), ns, n, req.seed, ro, out.audio.data(),
                           out.audio.data() + n, err))
        return false;
    for (float v : out.audio)
        if (!std::isfinite(v)) { err = "internal error: the output holds NaN or Inf"; return false; }
    peak_normalise(out.audio.data(), out.audio.size());
    return true;
}

}  // namespace bewo::rt
