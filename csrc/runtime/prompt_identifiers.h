// Names a sound has in code, before the parser reads them: game-audio event names
// ("Play_Heli_Flyby", "AMB_Forest_Night") and snake_case ids ("door_slam") as the words they are
// made of ("Heli Flyby", "door slam"). Field keys ("start_az=", "azimuth_deg:") stay as written.
#pragma once
#include <string>

namespace bewo::rt {

std::u32string identifiers_as_words(const std::u32string& text);

}  // namespace bewo::rt
