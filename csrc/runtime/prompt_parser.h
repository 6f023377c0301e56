// The English prompt -> Scene parser of bewo_rt/text/parser.py, ported rule for rule so that the
// C API's prompt-only path (no scene JSON) places sources exactly where `bewo_rt.text.parse`
// would: game engines that call the C API never run Python. The Python module is the
// specification (its docstring lists the rules); python_tests/test_native_parser.py checks that
// both give the same scene on the project's test prompts, generated captions and fuzz input.
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
