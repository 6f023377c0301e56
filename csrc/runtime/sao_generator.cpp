#include "sao_generator.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>

#include "../nn/read_file.h"
#include "../nn/safetensors.h"
#include "../nn/synthesis.h"

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

bool SaoGenerator::generate(const std::string& prompt, double seconds, int steps, float cfg,
                            const sampling::KSampler* sampler, std::uint64_t seed,
                            const std::function<bool(int, int)>& progress, std::vector<float>& audio, std::string& err) {
    if (!(seconds > 0) || seconds > max_seconds() + 1e-9) {
        err = "seconds must be in (0, " + std::to_string(max_seconds()) + "] for this model";
        return false;
    }
    std::vector<std::int32_t> ids;
    std::vector<std::uint8_t> mask;
    if (!tok_.encode({prompt}, ids, mask, err)) return false;
    const int L = model_.t5_max_length();
    std::vector<float> h;
    if (!model_.encode_text(ids.data(), mask.data(), 1, L, h, err)) return false;
    std::map<std::string, std::vector<double>> numbers;
    for (const auto& c : model_.config().conditioners) {
        if (c.type != "number") continue;
        if (c.id == "seconds_start") numbers[c.id] = {0.0};
        else if (c.id == "seconds_total") numbers[c.id] = {seconds};
        else { err = "the model has a number conditioner \"" + c.id + "\" this runtime cannot fill"; return false; }
    }
    std::vector<float> cross, global;
    int n_ctx = 0;
    const float positions[16] = {};
    const int n_positions = 0;
    if (!model_.conditioning(h.data(), mask.data(), 1, L, numbers, positions, &n_positions, cross, n_ctx, global, err))
        return false;
    const int ratio = model_.config().downsampling_ratio, C = model_.config().latent_dim;
    const std::size_t n = samples_for(seconds);
    const int T = static_cast<int>((n + ratio - 1) / ratio);
    // The same generator as the Python API's noise for a seed (bewo_rt native_noise).
    std::vector<float> noise(static_cast<std::size_t>(C) * T);
    nn::Rng rng(seed);
    for (float& v : noise) v = rng.normal();
    sa::SampleOptions o;
    o.steps = steps;
    o.cfg = cfg;
    o.sampler = sampler ? *sampler : defaults_.sampler;
    o.seed = seed;
    o.sigma_min = defaults_.sigma_min;
    o.sigma_max = defaults_.sigma_max;
    o.progress = progress;
    std::vector<float> lat, full;
    if (!model_.sample(noise.data(), 1, T, cross.data(), n_ctx, global.empty() ? nullptr : global.data(), o, lat, err))
        return false;
    model_.decode(lat.data(), 1, T, full);
    const std::size_t per = static_cast<std::size_t>(T) * ratio;
    const int ch = channels();
    audio.resize(static_cast<std::size_t>(ch) * n);
    for (int c = 0; c < ch; ++c) std::copy_n(full.data() + c * per, n, audio.data() + c * n);
    return true;
}

}  // namespace bewo::rt
