// The English prompt -> Scene parser: the one implementation, used by the C API's prompt-only
// path (no scene JSON) and, through the binding, by `bewo_rt.text.parse` and `bewo-rt parse`.
// The rules are listed in bewo_rt/text/parser.py's docstring (it began as a port of that Python
// module, which was retired once both agreed on every test prompt);
// python_tests/test_native_parser.py holds it to a golden file of expected scenes.
#pragma once
#include <cstddef>
#include <string>

#include "scene_json.h"

namespace bewo::rt {

constexpr std::size_t kPromptMaxChars = 10000;  // code points, as parser.MAX_CHARS

// UTF-8 prompt -> sources (label, azimuths, speed, distances) and room. False with err (never an
// exception) on invalid UTF-8, an empty or over-long prompt, or a prompt naming no sound; the
// messages are the Python's ValueError texts. A source's azimuth_end_deg / distance_end_m equal
// the start values when Python's are None. Thread-safe.
bool parse_prompt(const std::string& text, SceneSpec& out, std::string& err);

}  // namespace bewo::rt
