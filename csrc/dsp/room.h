// Shoebox room acoustics: image sources up to a transition time, each rendered through the HRTF
// of its arrival direction (or onto two bare microphones, BEWO's setup), then a diffuse tail of
// exponentially decaying noise in three bands, level-matched to the image-source part, so the
// cost stays bounded however long the reverberation.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hrtf_set.h"
#include "room_kernels.h"

namespace bewo {

struct RoomSpec {
    // Room frame: x along the length (the listener faces +x), y along the width (+y is the
    // listener's left), z up; the room spans [0, size[i]] on each axis.
    double size[3] = {6.0, 5.0, 3.0};
    // Amplitude reflection coefficients, sqrt(1 - absorption): walls x=0, x=L, y=0, y=W, floor, ceiling.
    double beta[6] = {0.9, 0.9, 0.9, 0.9, 0.9, 0.9};
    bool outdoor = false;        // free field plus one ground reflection (beta[4]); no tail
    double rt60_s = 0.5;         // decay of the diffuse tail (ignored outdoors)
    double transition_s = 0.05;  // image sources up to this travel time, the tail after it
    int max_order = 50;          // cap on reflections per image (cost guard)
    double c = 343.0;
};

struct RoomResponseParams {
    double sample_rate = 16000;
    double length_s = 0.0;          // 0: long enough for the tail to fall by 60 dB
    bool two_microphones = false;   // BEWO mode: omni microphones 0.17 m apart, no head
    double mic_spacing_m = 0.17;
    std::uint64_t seed = 0;         // tail noise
};

struct RoomStats {
    std::size_t images = 0;
};

// Eyring absorption for a target RT60, the same on every surface; throws if impossible.
double eyring_absorption(const double size[3], double rt60_s, double c = 343.0);

// Binaural (or two-microphone) response, 2 x n samples, for a source and a listener position in
// the room frame. The direct path at 1 m has gain 1.
std::vector<float> room_response(const RoomSpec& room, const double source[3], const double listener[3],
                                 const HrtfSet* hrtf, const RoomResponseParams& p, std::size_t* n_out,
                                 RoomStats* stats = nullptr);

// The stages of room_response, public so that other backends (cuda/room_cuda.cu) reproduce it
// exactly: plan (checks, image sources, length), the arrival of each image, the tail.

struct ImageSource {
    double pos[3];
    double gain;  // product of reflection coefficients
};

struct RoomPlan {
    std::vector<ImageSource> images;
    std::size_t n = 0;    // response length in samples
    std::size_t L = 0;    // taps per image: HRIR length, or the fractional-delay kernel (two mics)
    double t_tr = 0.0;    // transition time (0 outdoors)
};

// Checks the inputs (throws std::invalid_argument naming the problem), enumerates the images.
RoomPlan plan_room_response(const RoomSpec& room, const double source[3], const double listener[3],
                            const HrtfSet* hrtf, const RoomResponseParams& p);

// Where and how loud one image arrives: at delay + frac samples (delay integer, frac in [0, 1)),
// with gain (reflections / distance, distance floored at 0.25 m). Binaural: at the listener,
// with the direction (az, el in the project convention). Two microphones: at microphone mic
// (0 = left, +y; 1 = right), az/el unused.
struct Arrival {
    std::size_t delay = 0;
    double frac = 0.0, gain = 0.0, az = 0.0, el = 0.0;
};
Arrival binaural_arrival(const ImageSource& im, const double listener[3], double c, double fs);
Arrival microphone_arrival(const ImageSource& im, const double listener[3], int mic, double spacing, double c,
                           double fs);

// Tail parameters of a planned response (inactive outdoors or when too short); add it with
// roomk::add_tail once the image part is complete.
roomk::TailPlan plan_tail(const RoomSpec& room, const RoomResponseParams& p, const RoomPlan& plan);

}  // namespace bewo
