// Python bindings of the native prompt parser (csrc/runtime/prompt_parser.h), for the parity tests
// against bewo_rt.text.parse: the scene comes back in parse_dict's JSON-like form.
#include <pybind11/pybind11.h>

#include <stdexcept>
#include <string>

#include "../runtime/prompt_parser.h"
#include "../runtime/scene_json.h"
#include "../runtime/text_match.h"
#include "../runtime/vocabulary.h"

namespace py = pybind11;
using bewo::rt::SceneSpec;

namespace {

// str -> UTF-8 (a lone surrogate raises UnicodeEncodeError), bytes as they are.
std::string utf8_of(const py::handle& obj) {
    if (PyBytes_Check(obj.ptr())) return std::string(PyBytes_AS_STRING(obj.ptr()), PyBytes_GET_SIZE(obj.ptr()));
    if (!PyUnicode_Check(obj.ptr())) throw py::type_error("text must be str or bytes");
    Py_ssize_t n = 0;
    const char* p = PyUnicode_AsUTF8AndSize(obj.ptr(), &n);
    if (!p) throw py::error_already_set();
    return std::string(p, static_cast<std::size_t>(n));
}

// Python's None where the C++ keeps "end == start" (not moving, or moving in distance only).
py::dict scene_dict(const SceneSpec& scene) {
    py::list sources;
    for (const auto& s : scene.sources) {
        py::dict d;
        // The fallback scene labels a source with the raw prompt, which may not be valid UTF-8.
        d["label"] = py::reinterpret_steal<py::str>(PyUnicode_DecodeUTF8(s.label.data(), static_cast<Py_ssize_t>(s.label.size()), "replace"));
        d["azimuth_start_deg"] = s.azimuth_start_deg;
        d["azimuth_end_deg"] = s.azimuth_end_deg == s.azimuth_start_deg ? py::none() : py::object(py::float_(s.azimuth_end_deg));
        d["elevation_deg"] = s.elevation_deg;
        d["distance_m"] = s.distance_m;
        d["distance_end_m"] = s.distance_end_m == s.distance_m ? py::none() : py::object(py::float_(s.distance_end_m));
        d["speed"] = s.speed;
        d["change_time"] = s.change_time;
        d["start_time_s"] = s.start_time_s;
        d["gain_db"] = s.gain_db;
        sources.append(d);
    }
    py::dict room;
    room["outdoor"] = !scene.indoor;
    room["size_m"] = scene.indoor ? py::object(py::make_tuple(scene.room_size_m[0], scene.room_size_m[1], scene.room_size_m[2]))
                                  : py::none();
    room["rt60_s"] = scene.indoor ? py::object(py::float_(scene.rt60_s)) : py::none();
    py::dict out;
    out["sources"] = sources;
    out["room"] = room;
    out["room_class"] = scene.room_class.empty() ? py::none() : py::object(py::str(scene.room_class));
    out["note"] = scene.note.empty() ? py::none() : py::object(py::str(scene.note));
    return out;
}

py::list phrases(const bewo::rt::Phrases& v) {
    py::list out;
    for (const auto& p : v) out.append(py::str(p));
    return out;
}
py::list verbs(const std::vector<bewo::rt::VerbForms>& v) {
    py::list out;
    for (const auto& f : v) out.append(py::make_tuple(f[0], f[1], f[2]));
    return out;
}
template <class T, class F>
py::dict keyed(const bewo::rt::Keyed<T>& table, F convert) {
    py::dict out;  // insertion-ordered, as the C++ table
    for (const auto& [k, v] : table) out[py::str(k)] = convert(v);
    return out;
}

// The shared vocabulary as bewo_rt.text.captions uses it: lists of str, verb forms as tuples,
// class-keyed tables as dicts in the table's order.
py::dict shared_vocabulary_dict() {
    const auto& v = bewo::rt::shared_vocabulary();
    py::dict d;
    d["location_words"] = keyed(v.location_words, phrases);
    d["endpoint_words"] = keyed(v.endpoint_words, phrases);
    d["degree_location"] = phrases(v.degree_location);
    d["degree_endpoint"] = phrases(v.degree_endpoint);
    d["clock_location"] = phrases(v.clock_location);
    d["clock_endpoint"] = phrases(v.clock_endpoint);
    d["near_phrases"] = phrases(v.near_phrases);
    d["far_phrases"] = phrases(v.far_phrases);
    d["moderate_phrases"] = phrases(v.moderate_phrases);
    d["near_adjectives"] = phrases(v.near_adjectives);
    d["far_adjectives"] = phrases(v.far_adjectives);
    py::dict change;
    for (const auto& c : v.distance_change) change[py::make_tuple(c.from, c.to)] = phrases(c.phrases);
    d["distance_change"] = change;
    d["neutral_verbs"] = verbs(v.neutral_verbs);
    d["speed_verbs"] = keyed(v.speed_verbs, verbs);
    d["speed_adverbs"] = keyed(v.speed_adverbs, phrases);
    d["moderate_adverbs"] = phrases(v.moderate_adverbs);
    d["approach_verbs"] = verbs(v.approach_verbs);
    d["recede_verbs"] = verbs(v.recede_verbs);
    d["passing"] = keyed(v.passing, phrases);
    d["outdoor_phrases"] = phrases(v.outdoor_phrases);
    d["room_size_adjectives"] = keyed(v.room_size_adjectives, phrases);
    d["room_nouns"] = keyed(v.room_nouns, phrases);
    d["large_nouns"] = phrases(v.large_nouns);
    d["church_nouns"] = phrases(v.church_nouns);
    d["reverb_adjectives"] = phrases(v.reverb_adjectives);
    d["dry_adjectives"] = phrases(v.dry_adjectives);
    d["room_sentences"] = phrases(v.room_sentences);
    d["list_intros"] = phrases(v.list_intros);
    d["connectives"] = phrases(v.connectives);
    return d;
}

}  // namespace

void bind_prompt(py::module_& m) {
    m.def("shared_vocabulary", &shared_vocabulary_dict,
          "The spatial vocabulary the caption generator and the prompt parser share "
          "(csrc/runtime/vocabulary.cpp): the one table bewo_rt.text.captions reads.");
    m.def(
        "parse_prompt_native",
        [](py::handle text) {
            const std::string utf8 = utf8_of(text);
            SceneSpec scene;
            std::string err;
            bool ok;
            {
                py::gil_scoped_release release;
                ok = bewo::rt::parse_prompt(utf8, scene, err);
            }
            if (!ok) throw py::value_error(err);
            return scene_dict(scene);
        },
        py::arg("text"),
        "The native port of bewo_rt.text.parse (the C API's prompt-only path): str or UTF-8 bytes -> "
        "{'sources': [...], 'room': {...}, 'room_class': ...}; ValueError with the parser's message.");
    m.def(
        "scene_from_prompt_words_native",
        [](py::handle text) {
            const std::string utf8 = utf8_of(text);
            SceneSpec scene;
            {
                py::gil_scoped_release release;
                scene = bewo::rt::scene_from_prompt_words(utf8);
            }
            return scene_dict(scene);
        },
        py::arg("text"), "The scene the C API builds from a prompt when no scene JSON is given.");
    m.def(
        "regex_find_all_native",
        [](const std::string& pattern, py::handle text, bool icase) {
            namespace tm = bewo::rt::textmatch;
            const tm::Regex re(pattern, icase);
            if (!re.ok()) throw py::value_error("pattern: outside the parser's regex subset: " + pattern);
            const tm::u32 s = tm::from_utf8(utf8_of(text));
            py::list out;
            for (const auto& m : re.find_all(s)) {
                py::list caps;
                for (int c : m.caps) caps.append(c);
                out.append(py::make_tuple(m.start, m.end, caps));
            }
            return out;
        },
        py::arg("pattern"), py::arg("text"), py::arg("icase"),
        "The prompt parser's regex matcher (csrc/runtime/text_match.h), for tests against Python's re: "
        "[(start, end, [group starts and ends, -1 where a group took no part])] as re.finditer, in code points.");
}
