#include "scene_json.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "../nn/json.h"
#include "prompt_parser.h"

namespace bewo::rt {

namespace {

using json::Value;

bool num(const Value& obj, const char* key, const std::string& where, double& out, std::string& err, bool has_lo = false,
         double lo = 0, bool has_hi = false, double hi = 0, bool positive = false) {
    const Value* v = obj.get(key);
    if (!v || v->kind == Value::Null) return true;  // default stays
    if (v->kind != Value::Number) { err = where + "." + key + " must be a number"; return false; }
    double x = v->num;
    if (positive && x <= 0) { err = where + "." + key + " must be > 0"; return false; }
    if ((has_lo && x < lo) || (has_hi && x > hi)) {
        err = where + "." + key + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
        return false;
    }
    out = x;
    return true;
}

bool check_keys(const Value& obj, const std::set<std::string>& known, const std::string& where, std::string& err) {
    for (const auto& kv : obj.obj)
        if (!known.count(kv.first)) { err = where + " has unknown field \"" + kv.first + "\""; return false; }
    return true;
}

bool parse_source(const Value& s, const std::string& where, SceneSource& src, std::string& err) {
    if (s.kind != Value::Object) { err = where + " must be an object"; return false; }
    if (!check_keys(s, {"label", "sound", "azimuth_start_deg", "azimuth_end_deg", "elevation_deg", "distance_m",
                        "distance_end_m", "speed", "change_time", "start_time_s", "gain_db", "path",
                        // derived fields `bewo-rt parse --json` adds; accepted and ignored (they
                        // follow from the numbers above)
                        "moving", "distance", "distance_end", "direction", "direction_end"}, where, err))
        return false;
    if (const Value* l = s.get("label")) {
        if (l->kind != Value::String) { err = where + ".label must be a string"; return false; }
        src.label = l->str;
    }
    if (const Value* snd = s.get("sound"); snd && snd->kind != Value::Null && snd->kind != Value::String) {
        err = where + ".sound must be a string";
        return false;
    }
    if (const Value* sp = s.get("speed")) {
        static const std::set<std::string> speeds = {"still", "slow", "moderate", "fast", "instant"};
        if (sp->kind != Value::String || !speeds.count(sp->str)) {
            err = where + ".speed must be one of still, slow, moderate, fast, instant";
            return false;
        }
        src.speed = sp->str;
    }
    double end = NAN, dend = NAN;
    if (!num(s, "azimuth_start_deg", where, src.azimuth_start_deg, err) || !num(s, "azimuth_end_deg", where, end, err) ||
        !num(s, "elevation_deg", where, src.elevation_deg, err, true, -90, true, 90) ||
        !num(s, "distance_m", where, src.distance_m, err, false, 0, false, 0, true) ||
        !num(s, "distance_end_m", where, dend, err, false, 0, false, 0, true) ||
        !num(s, "change_time", where, src.change_time, err, true, 0, true, 1) ||
        !num(s, "start_time_s", where, src.start_time_s, err, true, 0) ||
        !num(s, "gain_db", where, src.gain_db, err, true, -200, true, 200))
        return false;
    src.azimuth_end_deg = std::isnan(end) ? src.azimuth_start_deg : end;
    if (std::fabs(src.azimuth_start_deg) > 1e6 || std::fabs(src.azimuth_end_deg) > 1e6 || src.start_time_s > 1e7 ||
        src.distance_m > 1e6 || (!std::isnan(dend) && dend > 1e6)) {
        err = where + ": azimuths must be within +-1e6 degrees, distances <= 1e6 m, start_time_s <= 1e7 s";
        return false;
    }
    src.distance_end_m = std::isnan(dend) ? src.distance_m : dend;
    if (const Value* p = s.get("path"); p && p->kind != Value::Null) {
        if (p->kind != Value::Array || p->arr.empty()) { err = where + ".path must be a non-empty list"; return false; }
        for (std::size_t j = 0; j < p->arr.size(); ++j) {
            const Value& k = p->arr[j];
            const std::string w = where + ".path[" + std::to_string(j) + "]";
            Keyframe kf{0, 0, 0, 1};
            if (k.kind == Value::Object) {
                if (!k.get("time_s") || !k.get("azimuth_deg")) { err = w + " needs time_s and azimuth_deg"; return false; }
                if (!num(k, "time_s", w, kf.t, err, true, 0, true, 1e7) || !num(k, "azimuth_deg", w, kf.az, err, true, -1e6, true, 1e6) ||
                    !num(k, "elevation_deg", w, kf.el, err, true, -90, true, 90) ||
                    !num(k, "distance_m", w, kf.dist, err, false, 0, false, 0, true))
                    return false;
            } else if (k.kind == Value::Array && k.arr.size() >= 2 && k.arr.size() <= 4) {
                double* dst[4] = {&kf.t, &kf.az, &kf.el, &kf.dist};
                for (std::size_t q = 0; q < k.arr.size(); ++q) {
                    if (k.arr[q].kind != Value::Number) { err = w + " must hold numbers"; return false; }
                    *dst[q] = k.arr[q].num;
                }
                if (kf.t < 0 || kf.el < -90 || kf.el > 90 || kf.dist <= 0 || kf.t > 1e7 || std::fabs(kf.az) > 1e6 ||
                    kf.dist > 1e6) {
                    err = w + " is out of range (0 <= time_s <= 1e7, |azimuth| <= 1e6, elevation in [-90, 90], "
                              "0 < distance <= 1e6)";
                    return false;
                }
            } else {
                err = w + " must be [time_s, azimuth_deg, elevation_deg?, distance_m?]";
                return false;
            }
            if (!src.path.empty() && kf.t < src.path.back().t) { err = where + ".path times must not decrease"; return false; }
            src.path.push_back(kf);
        }
    }
    return true;
}

// A finite number, or null/absent (has = false); where.key names it in errors.
bool room_num(const Value& obj, const char* key, double& out, bool& has, std::string& err) {
    has = false;
    const Value* v = obj.get(key);
    if (!v || v->kind == Value::Null) return true;
    if (v->kind != Value::Number) { err = std::string("room.") + key + " must be a number"; return false; }
    if (!std::isfinite(v->num)) { err = std::string("room.") + key + " must be finite"; return false; }
    out = v->num;
    has = true;
    return true;
}

// scene.room, as bewo_rt.scene.Scene.from_dict reads it (the same checks, in the same order).
bool parse_room(const Value& room, SceneSpec& out, std::string& err) {
    if (!check_keys(room, {"outdoor", "size_m", "rt60_s", "absorption", "transition_s", "ground_reflection"}, "room", err))
        return false;
    bool has_size = false;
    if (const Value* size = room.get("size_m"); size && size->kind != Value::Null) {
        if (size->kind != Value::Array || size->arr.size() != 3) {
            err = "room.size_m must be [length, width, height] in metres";
            return false;
        }
        for (int i = 0; i < 3; ++i) {
            const Value& v = size->arr[i];
            if (v.kind != Value::Number || !std::isfinite(v.num)) { err = "room.size_m must hold finite numbers"; return false; }
            if (v.num <= 0) { err = "room.size_m must be > 0 on every axis"; return false; }
            if (v.num < 0.5 || v.num > 1000) { err = "room.size_m must be in [0.5, 1000] m on every axis"; return false; }
            out.room_size_m[i] = v.num;
        }
        has_size = true;
    }
    if (const Value* ab = room.get("absorption"); ab && ab->kind != Value::Null) {
        std::vector<const Value*> vals;
        if (ab->kind == Value::Array)
            for (const auto& v : ab->arr) vals.push_back(&v);
        else
            vals.push_back(ab);
        if (vals.size() != 1 && vals.size() != 6) {
            err = "room.absorption must be one number or six (x0, xL, y0, yW, floor, ceiling)";
            return false;
        }
        for (std::size_t i = 0; i < vals.size(); ++i) {
            if (vals[i]->kind != Value::Number || !std::isfinite(vals[i]->num)) { err = "room.absorption must hold numbers"; return false; }
            if (vals[i]->num < 0 || vals[i]->num > 1) { err = "room.absorption must be in [0, 1]"; return false; }
            out.absorption[i] = vals[i]->num;
        }
        out.n_absorption = static_cast<int>(vals.size());
    }
    bool outdoor = !has_size;
    if (const Value* o = room.get("outdoor"); o) {  // JSON null is not a bool, as in Python
        if (o->kind != Value::Bool) { err = "room.outdoor must be true or false"; return false; }
        outdoor = o->b;
    }
    const Value* rt = room.get("rt60_s");
    const bool has_rt = rt && rt->kind != Value::Null;
    if (!outdoor && !has_size) { err = "room.size_m is required for an indoor room"; return false; }
    if (!outdoor && !has_rt && out.n_absorption == 0) { err = "an indoor room needs room.rt60_s or room.absorption"; return false; }
    if (has_rt && out.n_absorption) {
        err = "give room.rt60_s or room.absorption, not both (one follows from the other)";
        return false;
    }
    for (int i = 0; i < out.n_absorption; ++i)
        if (out.absorption[i] <= 0) { err = "room.absorption must be > 0 (a room that absorbs nothing never decays)"; return false; }
    double v = 0.0;
    bool has = false;
    if (!room_num(room, "rt60_s", v, has, err)) return false;
    if (has) {
        if (v <= 0) { err = "room.rt60_s must be > 0"; return false; }
        if (v > 20) { err = "room.rt60_s must be at most 20 s"; return false; }
        out.rt60_s = v;
    }
    if (!room_num(room, "transition_s", v, has, err)) return false;
    if (has) {
        if (v < 0 || v > 1) { err = "room.transition_s must be in [0, 1]"; return false; }
        out.transition_s = v;
    }
    if (!room_num(room, "ground_reflection", v, has, err)) return false;
    if (has) {
        if (v < 0 || v > 1) { err = "room.ground_reflection must be in [0, 1]"; return false; }
        out.ground_reflection = v;
    }
    out.indoor = !outdoor;
    if (out.indoor && out.rt60_s > 0) {  // Eyring's absorption for this RT60 (dsp/room.cpp) must lie in (0, 1)
        const double* sz = out.room_size_m;
        const double V = sz[0] * sz[1] * sz[2], S = 2.0 * (sz[0] * sz[1] + sz[0] * sz[2] + sz[1] * sz[2]);
        const double alpha = 1.0 - std::exp(-24.0 * std::log(10.0) * V / (343.0 * S * out.rt60_s));
        if (!(alpha > 0.0 && alpha < 1.0)) {
            err = "room.rt60_s (" + std::to_string(out.rt60_s) + " s) is not reachable in a room of that size (Eyring's absorption would leave (0, 1))";
            return false;
        }
    }
    return true;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

bool parse_scene_json(const std::string& text, SceneSpec& out, std::string& err) {
    out = SceneSpec();
    Value root;
    std::string jerr;
    if (text.size() > (16u << 20)) { err = "scene JSON is larger than 16 MiB"; return false; }
    if (!json::parse(text.data(), text.size(), root, jerr, 32)) { err = "scene is not valid JSON (" + jerr + ")"; return false; }
    if (root.kind != Value::Object) { err = "scene must be a JSON object"; return false; }
    if (!check_keys(root, {"sources", "duration_s", "room", "listener", "room_class", "note"}, "scene", err)) return false;
    if (const Value* note = root.get("note"); note && note->kind != Value::Null) {
        if (note->kind != Value::String) { err = "scene.note must be a string"; return false; }
        out.note = note->str;
    }
    if (!num(root, "duration_s", "scene", out.duration_s, err, false, 0, false, 0, true)) return false;
    if (const Value* srcs = root.get("sources")) {
        if (srcs->kind != Value::Array) { err = "scene.sources must be a list"; return false; }
        for (std::size_t i = 0; i < srcs->arr.size(); ++i) {
            SceneSource s;
            if (!parse_source(srcs->arr[i], "sources[" + std::to_string(i) + "]", s, err)) return false;
            out.sources.push_back(std::move(s));
        }
    }
    if (const Value* room = root.get("room"); room && room->kind != Value::Null) {
        if (room->kind != Value::Object) { err = "scene.room must be an object"; return false; }
        if (!parse_room(*room, out, err)) return false;
    }
    if (const Value* lis = root.get("listener"); lis && lis->kind != Value::Null) {
        if (lis->kind != Value::Object) { err = "scene.listener must be an object"; return false; }
        if (!check_keys(*lis, {"position_m"}, "listener", err)) return false;
        if (const Value* pos = lis->get("position_m"); pos && pos->kind != Value::Null) {
            if (pos->kind != Value::Array || pos->arr.size() != 3) { err = "listener.position_m must be [x, y, z] in metres"; return false; }
            for (int i = 0; i < 3; ++i) {
                const Value& v = pos->arr[i];
                if (v.kind != Value::Number || !std::isfinite(v.num) || std::fabs(v.num) > 1e6) {
                    err = "listener.position_m must be [x, y, z]: finite numbers of metres (|value| <= 1e6)";
                    return false;
                }
                out.listener_position_m[i] = v.num;
            }
            out.has_listener_position = true;
            const double* p = out.listener_position_m;
            if (out.indoor) {
                for (int i = 0; i < 3; ++i)
                    if (p[i] < 0 || p[i] > out.room_size_m[i]) { err = "listener.position_m lies outside the room"; return false; }
            } else if (p[2] < 0) {
                err = "listener.position_m must be above the ground (z >= 0) outdoors";
                return false;
            }
        }
    }
    return true;
}

double fold_to_frontal(double azimuth_deg) {
    double a = std::fmod(azimuth_deg + 180.0, 360.0);
    if (a < 0) a += 360.0;
    a -= 180.0;
    if (std::fabs(a) > 90.0) a = (a > 0 ? 1.0 : -1.0) * (180.0 - std::fabs(a));
    return a;
}

std::vector<Keyframe> source_keyframes(const SceneSource& s, double duration_s) {
    if (!s.path.empty()) return s.path;
    const double el = s.elevation_deg;
    const bool moving = s.speed != "still" && (s.azimuth_end_deg != s.azimuth_start_deg || s.distance_end_m != s.distance_m);
    if (!moving) return {{0.0, s.azimuth_start_deg, el, s.distance_m}};
    if (s.speed == "instant") {
        double t = s.change_time * duration_s;
        return {{t, s.azimuth_start_deg, el, s.distance_m}, {t, s.azimuth_end_deg, el, s.distance_end_m}};
    }
    const double share = s.speed == "slow" ? 0.9 : s.speed == "moderate" ? 0.6 : 0.3;
    const double span = share * duration_s, t0 = 0.5 * (duration_s - span);
    return {{t0, s.azimuth_start_deg, el, s.distance_m}, {t0 + span, s.azimuth_end_deg, el, s.distance_end_m}};
}

bool azimuth_state(const SceneSpec& scene, double duration_s, int frames, int bins, std::vector<float>& out,
                   std::string& err) {
    constexpr int kMaxSources = 4;
    if (scene.sources.size() > kMaxSources) {
        err = "the one-stage mode places at most 4 sources (the model's azimuth state), the scene has " +
              std::to_string(scene.sources.size()) + ": use the cascaded mode, which places any number";
        return false;
    }
    if (frames < 1 || bins < 2) { err = "frames must be >= 1 and bins >= 2"; return false; }
    const double duration = scene.duration_s > 0 ? scene.duration_s : (duration_s > 0 ? duration_s : 10.0);
    out.assign(static_cast<std::size_t>(kMaxSources) * bins * frames, 0.0f);
    std::vector<double> col(bins);
    for (std::size_t k = 0; k < scene.sources.size(); ++k) {
        const auto kf = source_keyframes(scene.sources[k], duration);
        for (int f = 0; f < frames; ++f) {
            const double t = (f + 0.5) / frames * duration;
            if (t < scene.sources[k].start_time_s) continue;
            const double a = fold_to_frontal(evaluate(kf.data(), kf.size(), t).az);
            const double r = (a + 90.0) / 180.0 * (bins - 1);
            double sum = 0.0;
            for (int b = 0; b < bins; ++b) sum += (col[b] = std::exp(-0.5 * (b - r) * (b - r)));
            for (int b = 0; b < bins; ++b)
                out[(k * bins + b) * static_cast<std::size_t>(frames) + f] = static_cast<float>(col[b] / sum);
        }
    }
    return true;
}

SceneSpec scene_from_prompt_words(const std::string& prompt) {
    SceneSpec parsed;
    std::string err;
    if (parse_prompt(prompt, parsed, err)) {
        for (auto& s : parsed.sources) {  // Python would give NaN here; the renderer needs numbers
            if (!std::isfinite(s.azimuth_start_deg)) s.azimuth_start_deg = 0.0;
            if (!std::isfinite(s.azimuth_end_deg)) s.azimuth_end_deg = s.azimuth_start_deg;
        }
        return parsed;
    }
    // The prompt names no sound the parser can find: one source, placed by its direction words.
    const std::string p = lower(prompt);
    auto pos = [&](const char* w) {
        std::size_t i = p.find(w);
        return i == std::string::npos ? std::size_t(-1) : i;
    };
    struct Dir { const char* word; double az; };
    static const Dir dirs[] = {{"left", -90}, {"right", 90}, {"behind", 180}, {"front", 0}, {"ahead", 0}, {"center", 0},
                               {"centre", 0}, {"middle", 0}};
    SceneSource s;
    s.label = prompt;
    // "from X to Y": a move from the first direction word to the next one.
    std::size_t from = pos("from ");
    std::vector<std::pair<std::size_t, double>> found;
    for (const auto& d : dirs)
        for (std::size_t i = p.find(d.word); i != std::string::npos; i = p.find(d.word, i + 1)) found.emplace_back(i, d.az);
    std::sort(found.begin(), found.end());
    if (from != std::size_t(-1) && found.size() >= 2 && found[0].first > from) {
        s.azimuth_start_deg = found[0].second;
        s.azimuth_end_deg = found[1].second;
        s.speed = p.find("quick") != std::string::npos || p.find("fast") != std::string::npos ? "fast"
                  : p.find("slow") != std::string::npos ? "slow" : "moderate";
    } else if (!found.empty()) {
        s.azimuth_start_deg = s.azimuth_end_deg = found[0].second;
    }
    SceneSpec scene;
    scene.sources.push_back(s);
    scene.note = "the parser found no sound in the prompt (" + err + "); the whole prompt is one source, placed by its "
                 "first direction word";
    return scene;
}

}  // namespace bewo::rt
