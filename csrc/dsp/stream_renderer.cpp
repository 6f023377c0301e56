#include "stream_renderer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace bewo {

const char* StreamRenderer::status_message(int status) {
    switch (status) {
        case kOk: return "ok";
        case kBadId: return "source id out of range (0 .. max_sources-1)";
        case kBadPosition:
            return "azimuth, elevation, distance and gain must be finite, elevation in [-90, 90], distance > 0";
        case kBadFrames: return "frames must be in [64, max_block]";
        case kBadPointer: return "a required buffer is NULL";
        case kNotActive: return "no source with this id";
        default: return "unknown status";
    }
}

StreamRenderer::StreamRenderer(std::shared_ptr<const HrtfSet> hrtf, int max_sources, std::size_t max_block,
                               std::size_t partition, double near_field_m, double reference_distance_m)
    : hrtf_(std::move(hrtf)), max_block_(max_block), near_field_(near_field_m), ref_dist_(reference_distance_m),
      fft_([&] {
          if (partition == 0) {
              partition = 64;
              while (partition * 2 <= std::min<std::size_t>(max_block, 256)) partition *= 2;
          }
          if (partition < 16 || partition > 1024 || (partition & (partition - 1)) != 0)
              throw std::invalid_argument("partition must be a power of two in [16, 1024], got " +
                                          std::to_string(partition));
          return 2 * partition;
      }()) {
    if (!hrtf_) throw std::invalid_argument("hrtf must not be null");
    if (max_sources < 1 || max_sources > 4096)
        throw std::invalid_argument("max_sources must be in [1, 4096], got " + std::to_string(max_sources));
    if (max_block < kMinBlock || max_block > kMaxBlock)
        throw std::invalid_argument("max_block must be in [64, 1024], got " + std::to_string(max_block));
    if (!(near_field_m > 0) || !(reference_distance_m > 0) || !std::isfinite(near_field_m) ||
        !std::isfinite(reference_distance_m))
        throw std::invalid_argument("near_field_m and reference_distance_m must be finite and > 0");
    N_ = fft_.size();
    B_ = N_ / 2;
    bins_ = B_ + 1;
    row_ = (bins_ + 15) / 16 * 16;  // rows start 64-byte aligned relative to each other
    ir_len_ = hrtf_->ir_length();
    P_ = (ir_len_ + B_ - 1) / B_;

    sources_.resize(std::size_t(max_sources));
    for (Source& s : sources_) {
        s.frame.assign(N_, 0.f);
        s.fdl.assign(P_ * 2 * row_, 0.f);
        s.spec[0].assign(2 * P_ * 2 * row_, 0.f);
        s.spec[1].assign(2 * P_ * 2 * row_, 0.f);
    }
    hl_.assign(ir_len_, 0.f);
    hr_.assign(ir_len_, 0.f);
    buf_.assign(N_, 0.f);
    tmp_re_.assign(row_, 0.f);
    tmp_im_.assign(row_, 0.f);
    acc_.assign(3 * 2 * 2 * row_, 0.f);
    time_.assign(N_, 0.f);
    ramp_.assign(max_block_, 0.f);

    // The HRTF set's and the FFT's working memory belongs to the stream (not to a thread), so
    // process() never allocates, whichever thread calls it.
    hscratch_ = hrtf_->make_scratch();
    fft_work_.assign(fft_.work_size(), 0.f);
    hrtf_->hrir(0.0, 0.0, hl_.data(), hr_.data(), 0.0, &hscratch_);
    make_spectra(hl_.data(), hr_.data(), sources_[0].spec[0]);
    spectrum_product(sources_[0], sources_[0].spec[0], 0);
    fft_.inverse(tmp_re_.data(), tmp_im_.data(), time_.data(), fft_work_.data());
    reset();
}

bool StreamRenderer::is_active(int id) const {
    return id >= 0 && id < max_sources() && sources_[std::size_t(id)].active;
}

int StreamRenderer::active_sources() const {
    int n = 0;
    for (const Source& s : sources_) n += s.active ? 1 : 0;
    return n;
}

void StreamRenderer::reset() {
    for (Source& s : sources_) {
        std::fill(s.frame.begin(), s.frame.end(), 0.f);
        std::fill(s.fdl.begin(), s.fdl.end(), 0.f);
        s.active = false;
        s.fresh = true;
        s.removing = false;
    }
    head_ = pos_ = 0;
}

StreamRenderer::Status StreamRenderer::set_source(int id, double az, double el, double dist, double gain) {
    if (id < 0 || id >= max_sources()) return kBadId;
    if (!std::isfinite(az) || !std::isfinite(el) || !std::isfinite(dist) || !std::isfinite(gain) || el < -90.0 ||
        el > 90.0 || !(dist > 0.0))
        return kBadPosition;
    Source& s = sources_[std::size_t(id)];
    if (!s.active) {
        s.active = true;
        s.fresh = true;
    }
    s.removing = false;
    s.t_az = az;
    s.t_el = el;
    s.t_gain = gain * ref_dist_ / std::max(dist, near_field_);
    return kOk;
}

StreamRenderer::Status StreamRenderer::remove_source(int id) {
    if (id < 0 || id >= max_sources()) return kBadId;
    Source& s = sources_[std::size_t(id)];
    if (!s.active || s.removing) return kNotActive;
    if (s.fresh) {  // never processed: nothing to fade
        s.active = false;
        return kOk;
    }
    s.removing = true;
    return kOk;
}

void StreamRenderer::make_spectra(const float* left, const float* right, std::vector<float>& spec) {
    const float scale = 1.f / float(N_);
    const float* src[2] = {left, right};
    float* buf = buf_.data();
    for (int ear = 0; ear < 2; ++ear)
        for (std::size_t p = 0; p < P_; ++p) {
            const std::size_t t0 = p * B_, t1 = std::min(ir_len_, t0 + B_);
            for (std::size_t t = t0; t < t1; ++t) buf[t - t0] = src[ear][t] * scale;
            std::fill(buf + (t1 - t0), buf + N_, 0.f);
            float* re = &spec[(std::size_t(ear) * P_ + p) * 2 * row_];
            fft_.forward(buf, re, re + row_, fft_work_.data());
        }
}

void StreamRenderer::spectrum_product(const Source& s, const std::vector<float>& spec, int ear) {
    float* __restrict ar = tmp_re_.data();
    float* __restrict ai = tmp_im_.data();
    const std::size_t nb = bins_;
    for (std::size_t p = 0; p < P_; ++p) {
        const std::size_t slot = (head_ + P_ - p) % P_;
        const float* __restrict xr = &s.fdl[slot * 2 * row_];
        const float* __restrict xi = xr + row_;
        const float* __restrict hr = &spec[(std::size_t(ear) * P_ + p) * 2 * row_];
        const float* __restrict hi = hr + row_;
        if (p == 0)
            for (std::size_t k = 0; k < nb; ++k) {
                ar[k] = xr[k] * hr[k] - xi[k] * hi[k];
                ai[k] = xr[k] * hi[k] + xi[k] * hr[k];
            }
        else
            for (std::size_t k = 0; k < nb; ++k) {
                ar[k] += xr[k] * hr[k] - xi[k] * hi[k];
                ai[k] += xr[k] * hi[k] + xi[k] * hr[k];
            }
    }
}

namespace {

inline void add_scaled(float* __restrict acc_re, float* __restrict acc_im, const float* __restrict re,
                       const float* __restrict im, float g, std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) {
        acc_re[k] += g * re[k];
        acc_im[k] += g * im[k];
    }
}

}  // namespace

StreamRenderer::Status StreamRenderer::process(const float* const* inputs, std::size_t frames, float* left,
                                               float* right) {
    if (!inputs || !left || !right) return kBadPointer;
    if (frames < kMinBlock || frames > max_block_) return kBadFrames;
    std::fill(left, left + frames, 0.f);
    std::fill(right, right + frames, 0.f);

    // Per source: the HRIR spectra it needs this call (a new source's, or a moved source's target).
    bool any_fade = false, any_active = false;
    for (Source& s : sources_) {
        if (!s.active) continue;
        any_active = true;
        if (s.fresh) {  // a new source starts where it is set: no crossfade
            hrtf_->hrir(s.t_az, s.t_el, hl_.data(), hr_.data(), 0.0, &hscratch_);
            make_spectra(hl_.data(), hr_.data(), s.spec[s.cur]);
            s.c_az = s.t_az;
            s.c_el = s.t_el;
            s.c_gain = s.t_gain;
            s.fresh = false;
        }
        if (s.t_az != s.c_az || s.t_el != s.c_el) {
            hrtf_->hrir(s.t_az, s.t_el, hl_.data(), hr_.data(), 0.0, &hscratch_);
            make_spectra(hl_.data(), hr_.data(), s.spec[1 - s.cur]);
            any_fade = true;
        } else if (s.removing || s.t_gain != s.c_gain) {
            any_fade = true;
        }
    }
    if (!any_active) return kOk;  // silence; no source holds history, so the grid's phase is free
    if (any_fade)
        for (std::size_t i = 0; i < frames; ++i)
            ramp_[i] = float(0.5 - 0.5 * std::cos(M_PI * (double(i) + 0.5) / double(frames)));

    const std::size_t nb = bins_, ear_stride = 2 * row_, kind_stride = 2 * ear_stride;
    std::size_t o = 0;
    while (o < frames) {
        const std::size_t m = std::min(B_ - pos_, frames - o);
        bool used[3] = {false, false, false};
        std::fill(acc_.begin(), acc_.end(), 0.f);
        for (std::size_t id = 0; id < sources_.size(); ++id) {
            Source& s = sources_[id];
            if (!s.active) continue;
            const float* x = inputs[id];
            float* dst = s.frame.data() + B_ + pos_;
            if (x)
                std::memcpy(dst, x + o, m * sizeof(float));
            else
                std::fill(dst, dst + m, 0.f);
            float* slot = &s.fdl[head_ * 2 * row_];
            fft_.forward(s.frame.data(), slot, slot + row_, fft_work_.data());
            const bool move = s.t_az != s.c_az || s.t_el != s.c_el;
            const float g0 = float(s.c_gain), g1 = s.removing ? 0.f : float(s.t_gain);
            for (int ear = 0; ear < 2; ++ear) {
                float* acc = acc_.data() + std::size_t(ear) * ear_stride;
                spectrum_product(s, s.spec[s.cur], ear);
                if (!move && g0 == g1) {
                    add_scaled(acc, acc + row_, tmp_re_.data(), tmp_im_.data(), g0, nb);
                    used[0] = true;
                    continue;
                }
                float* a_out = acc + kind_stride;
                float* a_in = acc + 2 * kind_stride;
                add_scaled(a_out, a_out + row_, tmp_re_.data(), tmp_im_.data(), g0, nb);
                used[1] = true;
                if (g1 == 0.f) continue;
                if (move) spectrum_product(s, s.spec[1 - s.cur], ear);
                add_scaled(a_in, a_in + row_, tmp_re_.data(), tmp_im_.data(), g1, nb);
                used[2] = true;
            }
        }
        // Mix: steady + (1 - w) * fading out + w * fading in, one inverse FFT per kind and ear.
        for (int kind = 0; kind < 3; ++kind) {
            if (!used[kind]) continue;
            for (int ear = 0; ear < 2; ++ear) {
                float* acc = acc_.data() + std::size_t(kind) * kind_stride + std::size_t(ear) * ear_stride;
                fft_.inverse(acc, acc + row_, time_.data(), fft_work_.data());
                const float* __restrict y = time_.data() + B_ + pos_;
                float* __restrict out = (ear == 0 ? left : right) + o;
                const float* __restrict w = ramp_.data() + o;
                if (kind == 0)
                    for (std::size_t i = 0; i < m; ++i) out[i] += y[i];
                else if (kind == 1)
                    for (std::size_t i = 0; i < m; ++i) out[i] += (1.f - w[i]) * y[i];
                else
                    for (std::size_t i = 0; i < m; ++i) out[i] += w[i] * y[i];
            }
        }
        pos_ += m;
        o += m;
        if (pos_ == B_) {  // partition complete: it becomes the older half of every source's next frame
            for (Source& s : sources_) {
                if (!s.active) continue;
                std::memcpy(s.frame.data(), s.frame.data() + B_, B_ * sizeof(float));
                std::fill(s.frame.begin() + std::ptrdiff_t(B_), s.frame.end(), 0.f);
            }
            head_ = (head_ + 1) % P_;
            pos_ = 0;
        }
    }

    for (Source& s : sources_) {
        if (!s.active) continue;
        if (s.t_az != s.c_az || s.t_el != s.c_el) {
            s.cur = 1 - s.cur;
            s.c_az = s.t_az;
            s.c_el = s.t_el;
        }
        s.c_gain = s.removing ? 0.0 : s.t_gain;
        if (s.removing) {  // faded out: free the slot and forget its history
            std::fill(s.frame.begin(), s.frame.end(), 0.f);
            std::fill(s.fdl.begin(), s.fdl.end(), 0.f);
            s.active = false;
            s.fresh = true;
            s.removing = false;
        }
    }
    return kOk;
}

}  // namespace bewo
