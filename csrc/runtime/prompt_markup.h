// Scene descriptions written as markup or as control messages, as records of fields for
// prompt_fields: XML elements ('<source name="church bells" azimuth="-30"/>', '<source
// name="motorbike"><path from="-90" to="90"/></source>') and OSC messages ("/src/1/name rain
// /src/1/azim -90", "/spat/bird/azi 30 /spat/bird/ele 60"). Each element or addressed source
// becomes one record ("sound=church bells, az=-30"), records joined by "; ". Text that is neither
// is returned unchanged.
#pragma once
#include <string>

namespace bewo::rt {

std::u32string markup_as_fields(const std::u32string& text);

}  // namespace bewo::rt
