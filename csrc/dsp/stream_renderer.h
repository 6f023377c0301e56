// Real-time streaming binaural renderer for engines: per-source state, blocks of any size in
// [64, max_block] pushed one call at a time, each source's position updated per call, output the
// binaural mix of the call's input (no added latency: the output of a call is that call's input
// through the HRTFs).
//
// Real-time safety: every buffer is allocated in the constructor. set_source, remove_source and
// process never allocate, lock, throw or call the OS. They report bad arguments as a Status code.
// The HRTF and FFT code keep small per-thread scratch buffers; the constructor sizes them for
// the calling thread, so a stream processed on the thread that created it never allocates. The
// first process call on another thread sizes that thread's scratch once (a few KiB).
//
// Convolution: uniformly partitioned overlap-save with partition B (a power of two) and a
// frequency-domain delay line of input spectra per source. Calls need not be multiples of B:
// the partition being filled is transformed with the samples received so far (the rest zero),
// which gives exact outputs for those samples; it is transformed again as more samples arrive.
// All sources share one partition grid, so their filtered spectra are summed (with their gains)
// into at most three mix spectra per ear, steady, fading out and fading in, and the inverse FFTs
// are per mix, not per source.
//
// Position changes: the new HRIR pair (HrtfSet::hrir) and its spectra are computed at the next
// process call; that call's input history goes through the old and the new filters and the two
// outputs are crossfaded across the call with the raised-cosine ramp of the offline renderer
// (w_i = 0.5 - 0.5 cos(pi (i + 0.5) / frames)), gains likewise. Updating a source once per call
// with the trajectory's state at the call's end reproduces bewo::render_scene with
// block_size == frames.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include "fft.h"
#include "hrtf_set.h"

namespace bewo {

class StreamRenderer {
public:
    enum Status {
        kOk = 0,
        kBadId = -1,         // source id outside 0 .. max_sources-1
        kBadPosition = -2,   // azimuth / elevation / distance / gain not finite, elevation outside
                             // [-90, 90], distance <= 0
        kBadFrames = -3,     // frames outside [kMinBlock, max_block]
        kBadPointer = -4,    // NULL output buffer / input array
        kNotActive = -5,     // remove_source on a slot that holds no source
    };
    static const char* status_message(int status);

    static constexpr std::size_t kMinBlock = 64, kMaxBlock = 1024;

    // max_sources >= 1; max_block in [64, 1024]; partition 0: automatic (the largest power of two
    // <= min(max_block, 256)), otherwise a power of two in [16, 1024]. Gains follow the offline
    // renderer: gain * reference_distance_m / max(distance, near_field_m).
    // Throws std::invalid_argument on bad arguments (construction is not real-time).
    StreamRenderer(std::shared_ptr<const HrtfSet> hrtf, int max_sources, std::size_t max_block,
                   std::size_t partition = 0, double near_field_m = 0.25, double reference_distance_m = 1.0);

    int max_sources() const { return int(sources_.size()); }
    std::size_t max_block() const { return max_block_; }
    std::size_t partition() const { return B_; }
    std::size_t partitions() const { return P_; }
    double sample_rate() const { return hrtf_->sample_rate(); }
    const HrtfSet& hrtf() const { return *hrtf_; }
    bool is_active(int id) const;
    int active_sources() const;

    // Adds source `id` or moves it; the change is crossfaded over the next process call (a new
    // source starts at its position). Real-time safe: stores the target only.
    Status set_source(int id, double azimuth_deg, double elevation_deg, double distance_m, double gain);
    // Fades the source out over the next process call, then frees its slot (history cleared).
    Status remove_source(int id);
    // Drops every source and all history at once (no fade).
    void reset();

    // inputs: max_sources pointers (NULL: silence for that slot), each `frames` samples; inputs of
    // slots without a source are ignored. left/right: `frames` samples, overwritten with the mix.
    Status process(const float* const* inputs, std::size_t frames, float* left, float* right);

private:
    struct Source {
        bool active = false, fresh = true, removing = false;
        // target, as set; current, as applied at the end of the last call
        double t_az = 0, t_el = 0, t_gain = 0;
        double c_az = 0, c_el = 0, c_gain = 0;
        std::vector<float> frame;       // 2B: previous partition, partition being filled (zero-padded)
        std::vector<float> fdl;         // P slots x (re row, im row), rows of row_ floats
        std::vector<float> spec[2];     // filter spectra [ear][partition][re/im][bin], 1/N scaled
        int cur = 0;                    // spec[cur] holds the current direction
    };

    void make_spectra(const float* left, const float* right, std::vector<float>& spec);
    // sum_p X_{head-p} H_p of one source and ear into (tmp_re_, tmp_im_).
    void spectrum_product(const Source& s, const std::vector<float>& spec, int ear);

    std::shared_ptr<const HrtfSet> hrtf_;
    std::size_t max_block_, B_, N_, P_, bins_, row_, ir_len_;
    double near_field_, ref_dist_;
    RealFFT fft_;
    HrtfScratch hscratch_;            // HRIR synthesis and neighbour search, preallocated
    std::vector<float> fft_work_;     // the FFT's work memory, preallocated
    std::vector<Source> sources_;
    // All sources share one partition grid, so their spectra are summed before the inverse FFTs:
    // head_ is the FDL slot of the partition being filled, pos_ the samples already in it.
    std::size_t head_ = 0, pos_ = 0;
    // scratch shared by all sources (one call at a time); acc_: mix spectra [kind][ear][re/im] for
    // kind 0 steady, 1 fading out (weight 1 - w), 2 fading in (weight w).
    std::vector<float> hl_, hr_, buf_, tmp_re_, tmp_im_, acc_, time_, ramp_;
};

}  // namespace bewo
