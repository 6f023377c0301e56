#include "bewo_positions.h"

#include <algorithm>
#include <cmath>

namespace bewo::rt {

namespace {

constexpr int kColumns = 768;  // BEWO's matrix width: a jump needs at least one column to land in

double move_share(const std::string& speed) {
    return speed == "slow" ? 0.9 : speed == "moderate" ? 0.6 : 0.3;
}

}  // namespace

double bewo_direction(double azimuth_deg) {
    const double rows = std::round((fold_to_frontal(azimuth_deg) + 90.0) / 11.25);  // 0 .. 16
    return 1.0 + std::clamp(rows, 0.0, 16.0) / 4.0;
}

bool bewo_positions(const SceneSpec& scene, double duration_s, std::vector<BewoPosition>& out, std::string& err) {
    out.clear();
    if (scene.sources.size() > static_cast<std::size_t>(kBewoMaxSources)) {
        err = "BEWO's attribute models take at most 4 sources, the scene has " + std::to_string(scene.sources.size()) +
              ": use the cascaded mode (--mode cascaded), which places any number";
        return false;
    }
    const double duration = scene.duration_s > 0 ? scene.duration_s : (duration_s > 0 ? duration_s : 10.0);
    for (std::size_t k = 0; k < scene.sources.size(); ++k) {
        const SceneSource& s = scene.sources[k];
        double a0 = s.azimuth_start_deg, a1 = s.azimuth_end_deg, speed = 0.0;
        const bool jump = s.path.empty() && s.speed == "instant";
        if (!s.path.empty()) {
            a0 = s.path.front().az;
            a1 = s.path.back().az;
            speed = std::clamp((s.path.back().t - s.path.front().t) / duration, 1.0 / kColumns, 1.0);
        } else if (s.speed == "instant") {
            speed = -s.change_time;
        } else if (s.speed != "still") {
            speed = move_share(s.speed);
        }
        if (!std::isfinite(a0) || !std::isfinite(a1)) {
            err = "sources[" + std::to_string(k) + "] has a non-finite azimuth";
            return false;
        }
        BewoPosition p;
        p.start_dir = bewo_direction(a0);
        p.end_dir = bewo_direction(a1);
        if (jump) {
            // floor(768 |s|) columns keep the start direction: none means the end from the outset,
            // all of them the start throughout.
            const double held = std::floor(kColumns * -speed);
            if (held < 1) p.start_dir = p.end_dir;
            else if (held >= kColumns) p.end_dir = p.start_dir;
        }
        if (!jump && speed == 0.0) p.end_dir = p.start_dir;  // still: (d, d, 0, 1)
        if (p.start_dir == p.end_dir) speed = 0.0;
        p.speed = speed;
        out.push_back(p);
    }
    return true;
}

}  // namespace bewo::rt
