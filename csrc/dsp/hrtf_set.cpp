#include "hrtf_set.h"

#include "room_kernels.h"

#include <algorithm>
#include <functional>
#include <cmath>
#include <cstring>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif
#include <stdexcept>
#include <string>

namespace bewo {

namespace {

double bessel_i0(double x) {
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 50; ++k) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
        if (term < 1e-12 * sum) break;
    }
    return sum;
}

// Taps j = -W+1 .. W of a fractional delay by f in [0, 1): kernel[j + W - 1] = sinc(j - f) * kaiser.
void fractional_delay_kernel(double f, float* kernel) {
    constexpr int W = HrtfSet::kSincHalfWidth;
    constexpr double beta = 6.0;
    const double norm = bessel_i0(beta);
    for (int j = -W + 1; j <= W; ++j) {
        const double t = double(j) - f;
        double v;
        if (std::fabs(t) < 1e-12) {
            v = 1.0;
        } else {
            const double r = t / double(W);
            const double win = std::fabs(r) >= 1.0 ? 0.0 : bessel_i0(beta * std::sqrt(1.0 - r * r)) / norm;
            v = std::sin(M_PI * t) / (M_PI * t) * win;
        }
        kernel[j + W - 1] = float(v);
    }
}

// The kernel tabulated at kTableSteps fractions (one-time, shared, read-only): the renderer asks
// for a new one every block, and evaluating Bessel functions there dominated its cost. Between
// table rows the kernel is interpolated linearly; row 0 is the exact unit impulse.
constexpr int kTableSteps = 1024;

const std::vector<float>& kernel_table() {
    static const std::vector<float> table = [] {
        constexpr int W = HrtfSet::kSincHalfWidth;
        std::vector<float> t(std::size_t(kTableSteps + 1) * 2 * W);
        for (int i = 0; i <= kTableSteps; ++i) fractional_delay_kernel(double(i) / kTableSteps, &t[std::size_t(i) * 2 * W]);
        return t;
    }();
    return table;
}

static_assert(roomk::kHalfWidth == HrtfSet::kSincHalfWidth && roomk::kKernelSteps == kTableSteps,
              "room_kernels.h must describe the same table");

// f in [0, 1]; the same code as the CUDA room backend's (room_kernels.h).
void tabulated_kernel(double f, float* kernel) { roomk::tabulated_taps(kernel_table().data(), f, kernel); }

}  // namespace

void fractional_delay_taps(double frac, float* taps) { tabulated_kernel(std::clamp(frac, 0.0, 1.0), taps); }

const float* fractional_delay_table() { return kernel_table().data(); }
int fractional_delay_steps() { return kTableSteps; }

double HrtfSet::blended_delay(const int* idx, const float* w, int k, int ear, double extra_delay) const {
    // The one delay rule, shared by hrir() and the CUDA room backend.
    double delay = std::clamp(extra_delay, 0.0, 1.0);
    for (int i = 0; i < k; ++i) delay += double(w[i]) * delays_[std::size_t(idx[i]) * 2 + ear];
    return delay;
}

void direction_vector(double az_deg, double el_deg, double* xyz) {
    // Reduced first so that a huge (finite) angle cannot overflow to inf and give NaN weights.
    const double az = std::fmod(az_deg, 360.0) * M_PI / 180.0, el = std::fmod(el_deg, 360.0) * M_PI / 180.0;
    xyz[0] = std::cos(el) * std::cos(az);
    xyz[1] = std::cos(el) * std::sin(az);
    xyz[2] = std::sin(el);
}

HrtfSet::HrtfSet(double sample_rate, std::vector<float> az_deg, std::vector<float> el_deg,
                 std::vector<float> filters, std::size_t filter_len, std::vector<float> delays, int neighbours)
    : sample_rate_(sample_rate), n_dirs_(az_deg.size()), filter_len_(filter_len), k_(neighbours),
      filters_(std::move(filters)), delays_(std::move(delays)) {
    if (!(sample_rate > 0) || !std::isfinite(sample_rate)) throw std::invalid_argument("sample_rate must be > 0");
    if (n_dirs_ == 0) throw std::invalid_argument("HRTF set needs at least one direction");
    if (el_deg.size() != n_dirs_) throw std::invalid_argument("azimuth and elevation lists differ in length");
    if (filter_len_ == 0) throw std::invalid_argument("filter_len must be > 0");
    if (filters_.size() != n_dirs_ * 2 * filter_len_)
        throw std::invalid_argument("filters must hold n_directions x 2 x filter_len values");
    if (delays_.size() != n_dirs_ * 2) throw std::invalid_argument("delays must hold n_directions x 2 values");
    if (k_ < 1) throw std::invalid_argument("neighbours must be >= 1");
    k_ = int(std::min<std::size_t>(std::size_t(k_), n_dirs_));
    float max_delay = 0.f;
    for (float d : delays_) {
        if (!std::isfinite(d) || d < float(kSincHalfWidth - 1))
            throw std::invalid_argument("HRTF delays must be finite and >= " + std::to_string(kSincHalfWidth - 1) + " samples");
        max_delay = std::max(max_delay, d);
    }
    for (float v : filters_)
        if (!std::isfinite(v)) throw std::invalid_argument("HRTF filters contain NaN or Inf");
    // +2: room for the sub-sample extra delay of image sources
    ir_len_ = std::size_t(std::floor(max_delay)) + kSincHalfWidth + filter_len_ + 2;
    xyz_.resize(n_dirs_ * 3);  // x[], y[], z[] one after the other so the dot products vectorise
    for (std::size_t i = 0; i < n_dirs_; ++i) {
        double v[3];
        direction_vector(az_deg[i], el_deg[i], v);
        for (int c = 0; c < 3; ++c) {
            xyz_[c * n_dirs_ + i] = float(v[c]);
            xyzd_.push_back(v[c]);
        }
    }
    kernel_table();  // build it now, not inside the first render
    build_grid();
}

// Candidate lists per 5-degree cell: every direction that can be among the k+1 nearest of any
// point in the cell (those within d_{k+1}(centre) + 2 * cell radius of the centre, by the
// triangle inequality), so a query scans a few dozen directions instead of all of them.
void HrtfSet::build_grid() {
    const int want = int(std::min<std::size_t>(std::size_t(k_) + 1, n_dirs_));
    if (n_dirs_ <= 64) return;  // a full scan is as cheap
    cell_start_.assign(std::size_t(kGridAz) * kGridEl + 1, 0);
    cell_items_.clear();
    std::vector<double> d(n_dirs_), sorted;
    for (int ie = 0; ie < kGridEl; ++ie)
        for (int ia = 0; ia < kGridAz; ++ia) {
            const double caz = -180.0 + kCellDeg * (ia + 0.5), cel = -90.0 + kCellDeg * (ie + 0.5);
            double c[3];
            direction_vector(caz, cel, c);
            double radius = 0.0;  // farthest corner or edge midpoint of the cell
            for (int a = 0; a <= 2; ++a)
                for (int e = 0; e <= 2; ++e) {
                    double q[3];
                    direction_vector(caz + kCellDeg * (a - 1) * 0.5, std::clamp(cel + kCellDeg * (e - 1) * 0.5, -90.0, 90.0), q);
                    radius = std::max(radius, std::acos(std::clamp(c[0] * q[0] + c[1] * q[1] + c[2] * q[2], -1.0, 1.0)));
                }
            // dot products order directions like angles do: no acos per direction
            for (std::size_t i = 0; i < n_dirs_; ++i)
                d[i] = c[0] * xyzd_[3 * i] + c[1] * xyzd_[3 * i + 1] + c[2] * xyzd_[3 * i + 2];
            sorted.assign(d.begin(), d.end());
            std::nth_element(sorted.begin(), sorted.begin() + (want - 1), sorted.end(), std::greater<double>());
            const double limit = std::acos(std::clamp(sorted[std::size_t(want - 1)], -1.0, 1.0)) + 2.0 * radius + 1e-6;
            const double min_dot = limit >= M_PI ? -2.0 : std::cos(limit);
            for (std::size_t i = 0; i < n_dirs_; ++i)
                if (d[i] >= min_dot) cell_items_.push_back(int(i));
            cell_start_[std::size_t(ie) * kGridAz + ia + 1] = cell_items_.size();
        }
}

namespace {
// Only reached without a caller's scratch: merely passing a thread_local's declaration
// constructs it and registers its destructor, which allocates on a thread's first call.
HrtfScratch& thread_scratch() {
    thread_local HrtfScratch s;
    return s;
}
}  // namespace

int HrtfSet::weights(double az_deg, double el_deg, int* idx, float* w) const {
    return weights(az_deg, el_deg, idx, w, nullptr);
}

HrtfScratch HrtfSet::make_scratch() const {
    HrtfScratch s;
    s.dots.resize(n_dirs_);
    s.filt.resize(filter_len_);
    s.pad.resize(filter_len_ + 4 * kSincHalfWidth + 8);
    return s;
}

int HrtfSet::weights(double az_deg, double el_deg, int* idx, float* w, HrtfScratch* scratch) const {
    double v[3];
    direction_vector(az_deg, el_deg, v);
    // k+1 nearest by largest dot product; insertion into a tiny sorted list beats a heap here.
    const int want = int(std::min<std::size_t>(std::size_t(k_) + 1, n_dirs_));
    int best_i[16];
    double best_d[16];
    int nb = 0;
    // Candidates: the query's grid cell, or every direction for small sets.
    const int* cand = nullptr;
    std::size_t n_cand = n_dirs_;
    if (!cell_start_.empty()) {
        double a = std::fmod(az_deg + 180.0, 360.0);
        if (a < 0) a += 360.0;
        const int ia = std::min(kGridAz - 1, int(a / kCellDeg));
        const int ie = std::clamp(int((std::clamp(el_deg, -90.0, 90.0) + 90.0) / kCellDeg), 0, kGridEl - 1);
        const std::size_t c = std::size_t(ie) * kGridAz + ia;
        cand = &cell_items_[cell_start_[c]];
        n_cand = cell_start_[c + 1] - cell_start_[c];
    }
    std::vector<float>& dots = scratch ? scratch->dots : thread_scratch().dots;
    if (dots.size() < n_cand) dots.resize(n_cand);  // never with a make_scratch() buffer
    {
        const float vx = float(v[0]), vy = float(v[1]), vz = float(v[2]);
        const float* __restrict X = xyz_.data();
        const float* __restrict Y = X + n_dirs_;
        const float* __restrict Z = Y + n_dirs_;
        float* __restrict D = dots.data();
        if (cand)
            for (std::size_t i = 0; i < n_cand; ++i) D[i] = vx * X[cand[i]] + vy * Y[cand[i]] + vz * Z[cand[i]];
        else
            for (std::size_t i = 0; i < n_cand; ++i) D[i] = vx * X[i] + vy * Y[i] + vz * Z[i];
    }
    for (std::size_t ci = 0; ci < n_cand; ++ci) {
        const std::size_t i = cand ? std::size_t(cand[ci]) : ci;
        const double dot = dots[ci];
        if (nb == want && dot <= best_d[nb - 1]) continue;
        int pos = nb == want ? nb - 1 : nb++;
        while (pos > 0 && best_d[pos - 1] < dot) {
            best_d[pos] = best_d[pos - 1];
            best_i[pos] = best_i[pos - 1];
            --pos;
        }
        best_d[pos] = dot;
        best_i[pos] = int(i);
    }
    // The float pass only chooses; angles come from double dot products, which resolve an
    // exact hit on a measured direction (float's acos near 1 is off by ~3e-4 rad).
    double ang[16];
    for (int i = 0; i < nb; ++i) {
        const std::size_t j = std::size_t(best_i[i]);
        const double d = v[0] * xyzd_[3 * j] + v[1] * xyzd_[3 * j + 1] + v[2] * xyzd_[3 * j + 2];
        ang[i] = std::acos(std::clamp(d, -1.0, 1.0));
    }
    for (int i = 1; i < nb; ++i)  // re-sort by the exact angles
        for (int j = i; j > 0 && ang[j] < ang[j - 1]; --j) {
            std::swap(ang[j], ang[j - 1]);
            std::swap(best_i[j], best_i[j - 1]);
        }
    const int k = std::min(k_, nb);
    if (ang[0] < 1e-7) {  // on a measured direction: use it as it is
        idx[0] = best_i[0];
        w[0] = 1.f;
        return 1;
    }
    const double R = nb > k ? ang[k] : ang[k - 1] * 1.5 + 1e-6;
    double sum = 0.0, ws[16];
    for (int i = 0; i < k; ++i) {
        const double t = std::max(0.0, R - ang[i]) / (R * ang[i]);
        ws[i] = t * t;
        sum += ws[i];
    }
    if (!(sum > 0.0)) {  // all k tied with the (k+1)-th: plain inverse-square-distance weights
        sum = 0.0;
        for (int i = 0; i < k; ++i) {
            ws[i] = 1.0 / (ang[i] * ang[i]);
            sum += ws[i];
        }
    }
    for (int i = 0; i < k; ++i) {
        idx[i] = best_i[i];
        w[i] = float(ws[i] / sum);
    }
    return k;
}

void HrtfSet::hrir(double az_deg, double el_deg, float* left, float* right, double extra_delay) const {
    hrir(az_deg, el_deg, left, right, extra_delay, nullptr);
}

void HrtfSet::hrir(double az_deg, double el_deg, float* left, float* right, double extra_delay,
                   HrtfScratch* scratch) const {
    int idx[16];
    float w[16];
    const int k = weights(az_deg, el_deg, idx, w, scratch);
    float* out[2] = {left, right};
    HrtfScratch& sc = scratch ? *scratch : thread_scratch();
    std::vector<float>& filt = sc.filt;
    std::vector<float>& pad = sc.pad;
    if (filt.size() < filter_len_) filt.resize(filter_len_);
    if (pad.size() < filter_len_ + 4 * kSincHalfWidth + 8) pad.resize(filter_len_ + 4 * kSincHalfWidth + 8);
    constexpr int W = kSincHalfWidth;
    float kernel[2 * W];
    for (int ear = 0; ear < 2; ++ear) {
        for (int i = 0; i < k; ++i) {
            const float* __restrict f = &filters_[(std::size_t(idx[i]) * 2 + ear) * filter_len_];
            float* __restrict acc = filt.data();
            const float wi = w[i];
            if (i == 0)
                for (std::size_t t = 0; t < filter_len_; ++t) acc[t] = wi * f[t];
            else
                for (std::size_t t = 0; t < filter_len_; ++t) acc[t] += wi * f[t];
        }
        const double delay = blended_delay(idx, w, k, ear, extra_delay);
        const double di = std::floor(delay);
        tabulated_kernel(delay - di, kernel);
        float* h = out[ear];
        // h[base + t] = sum_j kernel[j] * filt[t - j]: each output computed once in registers
        // (a pass per tap would store over its own previous, misaligned stores and stall).
        const std::size_t base = std::size_t(di) - (W - 1);
        const std::size_t n_out = filter_len_ + 2 * W - 1;
        float* __restrict padded = pad.data();  // 2W-1 zeros, filter, 2W-1 zeros (+ vector slack)
        std::fill(padded, padded + (2 * W - 1), 0.f);
        std::memcpy(padded + (2 * W - 1), filt.data(), filter_len_ * sizeof(float));
        std::fill(padded + (2 * W - 1) + filter_len_, padded + pad.size(), 0.f);
        std::fill(h, h + base, 0.f);
        std::fill(h + base + n_out, h + ir_len_, 0.f);
        float* __restrict dst = h + base;
        std::size_t t = 0;
#if defined(__AVX2__) && defined(__FMA__)
        for (; t + 8 <= n_out; t += 8) {
            __m256 acc = _mm256_setzero_ps();
            for (int j = 0; j < 2 * W; ++j)
                acc = _mm256_fmadd_ps(_mm256_set1_ps(kernel[j]), _mm256_loadu_ps(padded + t + (2 * W - 1) - j), acc);
            _mm256_storeu_ps(dst + t, acc);
        }
#endif
        for (; t < n_out; ++t) {
            float acc = 0.f;
            for (int j = 0; j < 2 * W; ++j) acc += kernel[j] * padded[t + (2 * W - 1) - j];
            dst[t] = acc;
        }
    }
}

}  // namespace bewo
