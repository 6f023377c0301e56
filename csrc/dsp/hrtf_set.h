// A set of head-related impulse responses measured (or modelled) at discrete directions, stored
// as onset-aligned filters plus per-ear delays so that interpolation never averages responses
// that are misaligned in time (which would comb-filter them).
#pragma once
#include <cstddef>
#include <vector>

namespace bewo {

// Working memory of HrtfSet::weights/hrir for a caller that must not allocate (a real-time
// thread): HrtfSet::make_scratch() sizes it; without one, thread-local buffers are used.
struct HrtfScratch {
    std::vector<float> dots, filt, pad;
};

class HrtfSet {
public:
    // az/el in degrees, project convention (az: 0 front, negative left; el: positive up).
    // filters: n_dirs x 2 x filter_len (ear 0 = left), delays: n_dirs x 2 in samples (>= 0).
    HrtfSet(double sample_rate, std::vector<float> az_deg, std::vector<float> el_deg,
            std::vector<float> filters, std::size_t filter_len, std::vector<float> delays,
            int neighbours = 4);

    double sample_rate() const { return sample_rate_; }
    std::size_t n_directions() const { return n_dirs_; }
    std::size_t filter_length() const { return filter_len_; }
    // Length of every synthesised HRIR: latest delay + fractional-delay kernel + filter.
    std::size_t ir_length() const { return ir_len_; }

    // Interpolation weights: up to neighbours() measured directions, weights summing to 1.
    // Modified Shepard: w_i ~ ((R - d_i) / (R d_i))^2 with R the angular distance of the
    // (k+1)-th nearest direction, so a direction's weight reaches 0 exactly when it leaves the
    // neighbour set and the interpolated response is continuous everywhere on the sphere.
    int weights(double az_deg, double el_deg, int* idx, float* w) const;
    int weights(double az_deg, double el_deg, int* idx, float* w, HrtfScratch* scratch) const;
    HrtfScratch make_scratch() const;
    int neighbours() const { return k_; }

    // Writes ir_length() taps per ear: weighted aligned filter, delayed by the weighted delay
    // through a Kaiser-windowed sinc fractional delay (integer delays are reproduced exactly).
    void hrir(double az_deg, double el_deg, float* left, float* right) const { hrir(az_deg, el_deg, left, right, 0.0); }
    // The same with extra_delay samples (in [0, 1]) added to both ears: the sub-sample part of an
    // image source's travel time, folded into the same fractional-delay kernel.
    void hrir(double az_deg, double el_deg, float* left, float* right, double extra_delay) const;
    void hrir(double az_deg, double el_deg, float* left, float* right, double extra_delay, HrtfScratch* scratch) const;

    static constexpr int kSincHalfWidth = 8;

    // Raw data, for other backends: n_dirs x 2 x filter_len filters, n_dirs x 2 delays.
    const std::vector<float>& filters() const { return filters_; }
    const std::vector<float>& delays() const { return delays_; }
    // Delay (samples) of one ear for interpolation weights from weights(), as hrir() forms it:
    // extra_delay (clamped to [0, 1]) plus the weighted neighbour delays, in double, in order.
    double blended_delay(const int* idx, const float* w, int k, int ear, double extra_delay) const;

private:
    double sample_rate_;
    std::size_t n_dirs_, filter_len_, ir_len_;
    int k_;
    std::vector<float> xyz_;       // unit vectors as x[n], y[n], z[n] (for the search)
    std::vector<double> xyzd_;     // the same, n x 3 in double (for the weights)
    std::vector<float> filters_;   // n_dirs x 2 x filter_len
    static constexpr int kGridAz = 72, kGridEl = 36;
    static constexpr double kCellDeg = 5.0;
    std::vector<std::size_t> cell_start_;  // candidate lists per grid cell (empty: scan all)
    std::vector<int> cell_items_;
    void build_grid();
    std::vector<float> delays_;    // n_dirs x 2
};

// Taps of the Kaiser-windowed sinc fractional delay used everywhere: 2 * kSincHalfWidth values for
// offsets -kSincHalfWidth+1 .. kSincHalfWidth from floor(delay); frac in [0, 1].
void fractional_delay_taps(double frac, float* taps);

// The table behind fractional_delay_taps: fractional_delay_steps() + 1 rows of 2 * kSincHalfWidth
// taps, row i for the fraction i / steps (roomk::tabulated_taps in room_kernels.h interpolates it).
const float* fractional_delay_table();
int fractional_delay_steps();

// Unit vector for a direction in the project convention: x front, y right, z up.
void direction_vector(double az_deg, double el_deg, double* xyz);

}  // namespace bewo
