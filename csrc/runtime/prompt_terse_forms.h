// Sounds written tersely, as people write them for machines: file names and slugs
// ("dog-bark-left", "rain_on_roof_above_thunder_far_left.wav"), command-line flags ("--az 60",
// "--el up"), and telegrams ("OWL ABOVE STOP WOLF BEHIND STOP"), as the words they stand for.
#pragma once

#include <string>

namespace bewo::rt {

std::u32string with_terse_forms_as_words(const std::u32string& text);

}  // namespace bewo::rt
