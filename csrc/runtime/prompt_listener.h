// The listener named by other words. A text about sound measures places from the one who hears:
// "behind the pilot", "high above the children", "to the climber's right", "behind her the bell
// tolled". Those people are rewritten as the listener the direction patterns read ("behind the
// listener", "the listener's right", "behind me").
#pragma once
#include <string>

namespace bewo::rt {

// A person named once, and only as the point a place is measured from, becomes "the listener"; a
// person named again elsewhere ("the drummer plays ... behind the drummer") is a sound in the
// scene and stays, and so does a compound ("behind the guard tower").
std::u32string with_people_as_the_listener(const std::u32string& text);

}  // namespace bewo::rt
