// A small strict JSON reader (RFC 8259) for safetensors headers, bundle metadata and scene JSON.
// Depth- and size-limited; errors name the byte offset. Numbers are doubles.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bewo::json {

struct Value {
    enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
    bool b = false;
    double num = 0.0;
    std::string str;
    std::vector<Value> arr;
    std::vector<std::pair<std::string, Value>> obj;  // in file order; duplicate keys rejected

    const Value* get(const std::string& key) const;  // objects only; null if absent
    bool is_int() const;
};

// Parses text[0, n); false + err ("offset N: why") on any error, trailing garbage included.
bool parse(const char* text, std::size_t n, Value& out, std::string& err, int max_depth = 64);

}  // namespace bewo::json
