#include "json.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace bewo::json {

const Value* Value::get(const std::string& key) const {
    if (kind != Object) return nullptr;
    for (const auto& kv : obj)
        if (kv.first == key) return &kv.second;
    return nullptr;
}

bool Value::is_int() const { return kind == Number && std::floor(num) == num && std::fabs(num) < 9.007199254740992e15; }

namespace {

struct Parser {
    const char* s;
    std::size_t n, i = 0;
    int max_depth;
    std::string err;

    bool fail(const std::string& why) {
        if (err.empty()) err = "offset " + std::to_string(i) + ": " + why;
        return false;
    }
    void ws() {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    }
    bool lit(const char* w) {
        std::size_t l = std::strlen(w);
        if (n - i < l || std::memcmp(s + i, w, l) != 0) return fail("invalid literal");
        i += l;
        return true;
    }
    static void put_utf8(std::string& o, unsigned cp) {
        if (cp < 0x80) o += char(cp);
        else if (cp < 0x800) { o += char(0xC0 | (cp >> 6)); o += char(0x80 | (cp & 0x3F)); }
        else if (cp < 0x10000) { o += char(0xE0 | (cp >> 12)); o += char(0x80 | ((cp >> 6) & 0x3F)); o += char(0x80 | (cp & 0x3F)); }
        else { o += char(0xF0 | (cp >> 18)); o += char(0x80 | ((cp >> 12) & 0x3F)); o += char(0x80 | ((cp >> 6) & 0x3F)); o += char(0x80 | (cp & 0x3F)); }
    }
    bool hex4(unsigned& v) {
        if (n - i < 4) return fail("truncated \\u escape");
        v = 0;
        for (int k = 0; k < 4; ++k) {
            char c = s[i++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= unsigned(c - '0');
            else if (c >= 'a' && c <= 'f') v |= unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= unsigned(c - 'A' + 10);
            else return fail("bad \\u escape");
        }
        return true;
    }
    bool string(std::string& o) {
        ++i;  // opening quote
        while (true) {
            if (i >= n) return fail("unterminated string");
            unsigned char c = static_cast<unsigned char>(s[i]);
            if (c == '"') { ++i; return true; }
            if (c < 0x20) return fail("control character in string");
            if (c != '\\') { o += char(c); ++i; continue; }
            if (++i >= n) return fail("unterminated escape");
            char e = s[i++];
            switch (e) {
                case '"': o += '"'; break;
                case '\\': o += '\\'; break;
                case '/': o += '/'; break;
                case 'b': o += '\b'; break;
                case 'f': o += '\f'; break;
                case 'n': o += '\n'; break;
                case 'r': o += '\r'; break;
                case 't': o += '\t'; break;
                case 'u': {
                    unsigned cp = 0;
                    if (!hex4(cp)) return false;
                    if (cp >= 0xD800 && cp < 0xDC00) {
                        unsigned lo = 0;
                        if (n - i < 2 || s[i] != '\\' || s[i + 1] != 'u') return fail("lone surrogate");
                        i += 2;
                        if (!hex4(lo)) return false;
                        if (lo < 0xDC00 || lo > 0xDFFF) return fail("bad surrogate pair");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        return fail("lone surrogate");
                    }
                    put_utf8(o, cp);
                    break;
                }
                default: return fail("bad escape");
            }
        }
    }
    bool number(double& out) {
        std::size_t b = i;
        if (s[i] == '-') ++i;
        if (i >= n) return fail("bad number");
        if (s[i] == '0') ++i;
        else if (s[i] >= '1' && s[i] <= '9') while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
        else return fail("bad number");
        if (i < n && s[i] == '.') {
            ++i;
            if (i >= n || s[i] < '0' || s[i] > '9') return fail("bad number");
            while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
        }
        if (i < n && (s[i] == 'e' || s[i] == 'E')) {
            ++i;
            if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
            if (i >= n || s[i] < '0' || s[i] > '9') return fail("bad number");
            while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
        }
        if (i - b > 64) return fail("number too long");
        char buf[80];
        std::memcpy(buf, s + b, i - b);
        buf[i - b] = 0;
        out = std::strtod(buf, nullptr);
        if (!std::isfinite(out)) return fail("number out of range");
        return true;
    }
    bool value(Value& v, int depth) {
        if (depth > max_depth) return fail("nested too deeply");
        ws();
        if (i >= n) return fail("unexpected end");
        char c = s[i];
        if (c == '{') {
            v.kind = Value::Object;
            ++i;
            ws();
            if (i < n && s[i] == '}') { ++i; return true; }
            while (true) {
                ws();
                if (i >= n || s[i] != '"') return fail("expected a key string");
                std::string key;
                if (!string(key)) return false;
                for (const auto& kv : v.obj)
                    if (kv.first == key) return fail("duplicate key \"" + key + "\"");
                ws();
                if (i >= n || s[i] != ':') return fail("expected ':'");
                ++i;
                v.obj.emplace_back(std::move(key), Value());
                if (!value(v.obj.back().second, depth + 1)) return false;
                ws();
                if (i < n && s[i] == ',') { ++i; continue; }
                if (i < n && s[i] == '}') { ++i; return true; }
                return fail("expected ',' or '}'");
            }
        }
        if (c == '[') {
            v.kind = Value::Array;
            ++i;
            ws();
            if (i < n && s[i] == ']') { ++i; return true; }
            while (true) {
                v.arr.emplace_back();
                if (!value(v.arr.back(), depth + 1)) return false;
                ws();
                if (i < n && s[i] == ',') { ++i; continue; }
                if (i < n && s[i] == ']') { ++i; return true; }
                return fail("expected ',' or ']'");
            }
        }
        if (c == '"') { v.kind = Value::String; return string(v.str); }
        if (c == 't') { v.kind = Value::Bool; v.b = true; return lit("true"); }
        if (c == 'f') { v.kind = Value::Bool; v.b = false; return lit("false"); }
        if (c == 'n') { v.kind = Value::Null; return lit("null"); }
        if (c == '-' || (c >= '0' && c <= '9')) { v.kind = Value::Number; return number(v.num); }
        return fail("unexpected character");
    }
};

}  // namespace

bool parse(const char* text, std::size_t n, Value& out, std::string& err, int max_depth) {
    out = Value();
    if (text == nullptr) { err = "no text"; return false; }
    Parser p{text, n, 0, max_depth, {}};
    if (!p.value(out, 0)) { err = p.err; return false; }
    p.ws();
    if (p.i != n) { p.fail("trailing characters"); err = p.err; return false; }
    return true;
}

}  // namespace bewo::json
