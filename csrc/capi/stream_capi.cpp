// The C API's "HRTF sets and rendering" and "streaming renderer" sections (csrc/include/bewo/bewo.h).
// Every entry point catches everything: no exception crosses the C boundary.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "bewo/bewo.h"
#include "capi/capi_internal.h"
#include "dsp/hrtf_set.h"
#include "dsp/renderer.h"
#include "dsp/stream_renderer.h"
#include "dsp/trajectory.h"
#include "nn/safetensors.h"

struct bewo_stream {
    bewo::StreamRenderer renderer;
};

namespace {

using bewo::capi::fail;
using bewo::capi::set_err;

// Runs f(), mapping exceptions to codes and messages.
template <class F>
int guarded(char* err, size_t err_size, F&& f) {
    try {
        return f();
    } catch (const std::invalid_argument& e) {
        return fail(err, err_size, BEWO_ERR_ARGUMENT, e.what());
    } catch (const std::bad_alloc&) {
        return fail(err, err_size, BEWO_ERR_INTERNAL, "out of memory");
    } catch (const std::exception& e) {
        return fail(err, err_size, BEWO_ERR_INTERNAL, e.what());
    } catch (...) {
        return fail(err, err_size, BEWO_ERR_INTERNAL, "unknown error");
    }
}

bool shape_of(const bewo::nn::SafeTensors& st, const char* name, std::vector<std::int64_t>& shape, std::string& err) {
    const bewo::nn::TensorView* t = st.find(name);
    if (!t) {
        err = std::string("tensor '") + name + "' is missing";
        return false;
    }
    shape = t->shape;
    return true;
}

}  // namespace

extern "C" {

BEWO_API bewo_hrtf* bewo_hrtf_load(const char* path, char* err, size_t err_size) {
    bewo_hrtf* out = nullptr;
    const int rc = guarded(err, err_size, [&]() -> int {
        if (!path) return fail(err, err_size, BEWO_ERR_ARGUMENT, "path is NULL");
        bewo::nn::SafeTensors st;
        std::string e;
        if (!st.open_file(path, e)) return fail(err, err_size, BEWO_ERR_FILE, std::string(path) + ": " + e);
        const std::string where = std::string(path) + ": ";
        std::vector<std::int64_t> s_az, s_el, s_f, s_d;
        if (!shape_of(st, "az_deg", s_az, e) || !shape_of(st, "el_deg", s_el, e) || !shape_of(st, "filters", s_f, e) ||
            !shape_of(st, "delays", s_d, e))
            return fail(err, err_size, BEWO_ERR_FILE, where + e + " (not a bewo HRTF file)");
        if (s_az.size() != 1 || s_az[0] < 1 || s_f.size() != 3 || s_f[0] != s_az[0] || s_f[1] != 2 || s_f[2] < 1)
            return fail(err, err_size, BEWO_ERR_FILE,
                        where + "expected az_deg (n,), el_deg (n,), filters (n, 2, taps), delays (n, 2)");
        const std::int64_t n = s_az[0], taps = s_f[2];
        std::vector<float> az, el, filters, delays;
        if (!st.get_f32("az_deg", {n}, az, e) || !st.get_f32("el_deg", {n}, el, e) ||
            !st.get_f32("filters", {n, 2, taps}, filters, e) || !st.get_f32("delays", {n, 2}, delays, e))
            return fail(err, err_size, BEWO_ERR_FILE, where + e);
        const auto& md = st.metadata();
        const auto it = md.find("sample_rate");
        if (it == md.end()) return fail(err, err_size, BEWO_ERR_FILE, where + "metadata 'sample_rate' is missing");
        char* end = nullptr;
        const double sr = std::strtod(it->second.c_str(), &end);
        if (end == it->second.c_str() || !std::isfinite(sr) || sr <= 0)
            return fail(err, err_size, BEWO_ERR_FILE, where + "bad sample_rate '" + it->second + "'");
        int k = 4;
        const auto kn = md.find("neighbours");
        if (kn != md.end()) k = std::atoi(kn->second.c_str());
        for (std::size_t i = 0; i < az.size(); ++i)
            if (!std::isfinite(az[i]) || !std::isfinite(el[i]) || el[i] < -90.f || el[i] > 90.f)
                return fail(err, err_size, BEWO_ERR_FILE, where + "direction " + std::to_string(i) + " is invalid");
        for (float d : delays)
            if (!std::isfinite(d) || d < 0.f) return fail(err, err_size, BEWO_ERR_FILE, where + "delays must be >= 0");
        for (float f : filters)
            if (!std::isfinite(f)) return fail(err, err_size, BEWO_ERR_FILE, where + "filters contain NaN or Inf");
        std::shared_ptr<const bewo::HrtfSet> set;
        try {
            set = std::make_shared<bewo::HrtfSet>(sr, std::move(az), std::move(el), std::move(filters),
                                                  std::size_t(taps), std::move(delays), k);
        } catch (const std::invalid_argument& ex) {
            return fail(err, err_size, BEWO_ERR_FILE, where + ex.what());
        }
        out = new bewo_hrtf{std::move(set)};
        return BEWO_OK;
    });
    if (rc != BEWO_OK) {
        delete out;
        return nullptr;
    }
    return out;
}

BEWO_API void bewo_hrtf_free(bewo_hrtf* hrtf) { delete hrtf; }

BEWO_API int bewo_hrtf_sample_rate(const bewo_hrtf* hrtf) {
    if (!hrtf || !hrtf->set) return BEWO_ERR_ARGUMENT;
    return int(std::lround(hrtf->set->sample_rate()));
}

BEWO_API int bewo_render(const bewo_hrtf* hrtf, const float* mono, size_t mono_frames, const double* keyframes,
                         size_t n_keyframes, float* left, float* right, size_t frames, char* err, size_t err_size) {
    return guarded(err, err_size, [&]() -> int {
        if (!hrtf || !hrtf->set) return fail(err, err_size, BEWO_ERR_ARGUMENT, "hrtf is NULL");
        if (!mono && mono_frames > 0) return fail(err, err_size, BEWO_ERR_ARGUMENT, "mono is NULL");
        if (!keyframes || n_keyframes == 0)
            return fail(err, err_size, BEWO_ERR_ARGUMENT, "keyframes: at least one row (time_s, az, el, dist) is needed");
        if (!left || !right) return fail(err, err_size, BEWO_ERR_ARGUMENT, "left and right must not be NULL");
        if (frames == 0) return fail(err, err_size, BEWO_ERR_ARGUMENT, "frames must be > 0");
        std::vector<bewo::Keyframe> kf(n_keyframes);
        for (size_t i = 0; i < n_keyframes; ++i)
            kf[i] = {keyframes[4 * i], keyframes[4 * i + 1], keyframes[4 * i + 2], keyframes[4 * i + 3]};
        bewo::validate_keyframes(kf.data(), kf.size());  // invalid_argument -> BEWO_ERR_ARGUMENT
        for (size_t i = 0; i < mono_frames; ++i)
            if (!std::isfinite(mono[i]))
                return fail(err, err_size, BEWO_ERR_ARGUMENT, "mono contains NaN or Inf at frame " + std::to_string(i));
        bewo::SourceInput src{mono, mono_frames, kf.data(), kf.size(), 1.0};
        bewo::RenderParams p;  // 512-sample blocks, 1/r gain clamped at 0.25 m, like bewo_rt.render
        bewo::render_scene(*hrtf->set, &src, 1, frames, p, left, right);
        return BEWO_OK;
    });
}

BEWO_API bewo_stream_params bewo_default_stream_params(void) {
    bewo_stream_params p;
    p.max_sources = 16;
    p.max_block = 1024;
    return p;
}

BEWO_API bewo_stream* bewo_stream_create(const bewo_hrtf* hrtf, const bewo_stream_params* params, char* err,
                                         size_t err_size) {
    bewo_stream* out = nullptr;
    guarded(err, err_size, [&]() -> int {
        if (!hrtf || !hrtf->set) return fail(err, err_size, BEWO_ERR_ARGUMENT, "hrtf is NULL");
        const bewo_stream_params p = params ? *params : bewo_default_stream_params();
        if (p.max_sources < 1 || p.max_sources > 4096)
            return fail(err, err_size, BEWO_ERR_ARGUMENT,
                        "max_sources must be in [1, 4096], got " + std::to_string(p.max_sources));
        if (p.max_block < 64 || p.max_block > 1024)
            return fail(err, err_size, BEWO_ERR_ARGUMENT,
                        "max_block must be in [64, 1024], got " + std::to_string(p.max_block));
        out = new bewo_stream{bewo::StreamRenderer(hrtf->set, p.max_sources, std::size_t(p.max_block))};
        return BEWO_OK;
    });
    return out;
}

BEWO_API void bewo_stream_free(bewo_stream* s) { delete s; }

BEWO_API int bewo_stream_set_source(bewo_stream* s, int id, float azimuth_deg, float elevation_deg, float distance_m,
                                    float gain) {
    if (!s) return BEWO_ERR_ARGUMENT;
    return s->renderer.set_source(id, azimuth_deg, elevation_deg, distance_m, gain) == bewo::StreamRenderer::kOk
               ? BEWO_OK
               : BEWO_ERR_ARGUMENT;
}

BEWO_API int bewo_stream_remove_source(bewo_stream* s, int id) {
    if (!s) return BEWO_ERR_ARGUMENT;
    return s->renderer.remove_source(id) == bewo::StreamRenderer::kOk ? BEWO_OK : BEWO_ERR_ARGUMENT;
}

BEWO_API int bewo_stream_process(bewo_stream* s, const float* const* inputs, size_t frames, float* left,
                                 float* right) {
    if (!s) return BEWO_ERR_ARGUMENT;
    return s->renderer.process(inputs, frames, left, right) == bewo::StreamRenderer::kOk ? BEWO_OK
                                                                                         : BEWO_ERR_ARGUMENT;
}

}  // extern "C"
