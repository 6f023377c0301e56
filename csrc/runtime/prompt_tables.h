// Tables pasted as text, before the parser reads them: tab-separated or comma-separated rows and
// markdown tables under a header that names a sound column and a place column
// ("sound<TAB>az<TAB>el", "source,azimuth_deg", "| Cue | Az | El |"). Each row becomes one record
// of fields ("sound=kettle, az=-20; sound=radio, az=75"), which fields_as_phrases reads; text that
// is no such table is returned unchanged.
#pragma once
#include <string>

namespace bewo::rt {

std::u32string tables_as_fields(const std::u32string& text);

}  // namespace bewo::rt
