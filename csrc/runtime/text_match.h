// Text with Python's str semantics over code points (what \\w, \\d, \\s, lower() and strip()
// say about a character), and a backtracking matcher for the subset of Python's re syntax the
// prompt parser's patterns use: the parser began as a Python module, and its patterns keep their
// texts and meaning (ordered alternation, lazy repeats, look-arounds, Unicode \\w).
#pragma once
#include <algorithm>
#include <bitset>
#include <cctype>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace bewo::rt::textmatch {

using u32 = std::u32string;

bool is_word_beyond_ascii(char32_t c);
inline bool is_word(char32_t c) {  // re's \\w; inline: the matcher asks at every \\b
    if (c < 128) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    return is_word_beyond_ascii(c);
}
bool is_digit(char32_t c);   // re's \\d
bool is_space(char32_t c);   // re's \\s
bool is_upper(char32_t c);   // str.isupper()
bool is_lower(char32_t c);   // str.islower()
bool is_letter(char32_t c);  // re's [^\\W\\d_]
bool printable(char32_t c);  // str.isprintable()
char32_t lower_simple(char32_t cp);
u32 lower(const u32& s);              // str.lower()
u32 lower_same_length(const u32& s);  // positions stay those of the original
char32_t fold(char32_t c);            // what re.IGNORECASE compares
u32 from_utf8(const std::string& s);  // valid UTF-8 only (built-in texts)
std::string to_utf8(const u32& s);
u32 strip_chars(const u32& s, const u32& chars);  // str.strip(chars)
u32 strip_space(const u32& s);                    // str.strip()
u32 collapse_space(const u32& s);                 // re.sub(r"\\s+", " ", s)
bool ends_with(const u32& s, const u32& suffix);
// Whether s holds `piece` (lower-case ASCII) in any case of ASCII letters: a cheap first look before
// a rewrite lowers the whole text.
bool contains_ascii_ci(const u32& s, const char32_t* piece);

// ---- a backtracking matcher for the subset of Python's re syntax the parser uses -----------------
// Groups (?: ) (?P<n> ) (?= ) (?! ) (?<! ) (fixed width), classes with \w \s \d and ranges,
// ? * + {m,n} (greedy or lazy), ^ $ \b, \uXXXX; ordered alternation and greedy-first repeats
// give the same match as sre. Depth is bounded by the pattern, not the text: a repeated single
// character is a counted loop, not one frame per character.
class Regex {
public:
    struct Match {
        int start = -1, end = -1;
        std::vector<int> caps;  // 2 per group: start, end (-1: did not take part)
        u32 group(const u32& s, int g) const {
            return caps[2 * g] < 0 ? u32() : s.substr(caps[2 * g], caps[2 * g + 1] - caps[2 * g]);
        }
        bool has(int g) const { return g >= 0 && caps[2 * g] >= 0; }
    };

    Regex(const std::string& pattern, bool icase) : icase_(icase) {
        pat_ = from_utf8(pattern);
        Node root = parse_alt();
        if (at_ < pat_.size()) bad_ = true;
        emit(root);
        prog_.push_back({kMatch});
        start_ = first_of(root);
        // a pattern that opens with (?<![\w-]) starts only where a word does (not one whose
        // first alternative alone opens with it)
        word_start_ = pattern.compare(0, 10, "(?<![\\w-])") == 0 && root.t == Node::Cat;
        // may_start already holds that look-behind: a scan enters just past it
        if (word_start_ && prog_[0].op == kLook && !prog_[0].ahead && prog_[0].neg) scan_entry_ = prog_[0].b;
    }
    bool ok() const { return !bad_; }
    int group(const char* name) const {
        auto it = names_.find(name);
        return it == names_.end() ? -1 : it->second;
    }
    // re.match at pos.
    bool match_at(const u32& s, int pos, Match& m) const { return match_from(s, pos, m, 0); }
    // re.finditer.
    // A pattern that cannot match text lacking all of these (lower-case) pieces skips such text.
    Regex& needs_any(std::initializer_list<const char32_t*> pieces) {
        for (const char32_t* p : pieces) needs_.emplace_back(p);
        return *this;
    }
    std::vector<Match> find_all(const u32& s) const {
        std::vector<Match> out;
        if (!needs_.empty() && std::none_of(needs_.begin(), needs_.end(), [&](const u32& p) { return s.find(p) != u32::npos; }))
            return out;
        Match m;
        for (int pos = 0; pos <= static_cast<int>(s.size());) {
            bool found = false;
            for (int p = pos; p <= static_cast<int>(s.size()); ++p) {
                if (may_start(s, p) && match_from(s, p, m, scan_entry_)) { found = true; break; }
            }
            if (!found) break;
            out.push_back(m);
            pos = m.end > m.start ? m.end : m.end + 1;
        }
        return out;
    }
    bool search(const u32& s) const {
        Match m;
        for (int p = 0; p <= static_cast<int>(s.size()); ++p)
            if (may_start(s, p) && match_from(s, p, m, scan_entry_)) return true;
        return false;
    }

private:
    enum Op { kChar, kClass, kAny, kSplit, kJmp, kSave, kMatch, kBol, kEol, kWordB, kNotWordB, kLook, kStar, kDispatch };
    struct Cls {
        bool neg = false, w = false, nw = false, s = false, d = false;
        std::vector<std::pair<char32_t, char32_t>> ranges;
        bool contains(char32_t c) const {  // before negation
            if ((w && is_word(c)) || (nw && !is_word(c)) || (s && is_space(c)) || (d && is_digit(c))) return true;
            for (const auto& r : ranges)
                if (r.first <= c && c <= r.second) return true;
            return false;
        }
    };
    struct Inst {
        Op op;
        int a = 0, b = 0;  // jump targets / group slot / class index / look-around body
        char32_t c = 0;
        int min = 0, max = 0;
        bool greedy = true, ahead = true, neg = false;
        int first = -1;  // kSplit: index into firsts_ of what branch a can begin with (-1: anything)
    };
    struct Node {
        enum T { Lit, Class, Any, Cat, Alt, Rep, Group, Look, Bol, Eol, WordB, NotWordB } t = Cat;
        char32_t c = 0;
        int cls = -1, cap = -1, min = 1, max = 1;
        bool greedy = true, ahead = true, neg = false;
        std::vector<Node> kids;
    };
    // A long alternation (a word list) tried only through the alternatives that can begin with the
    // text's next character, in their written order, so ordered alternation is kept.
    struct Dispatch {
        std::vector<int> by_char[128];          // entry pcs, for an ASCII next character
        std::vector<int> at_end;                // entry pcs of the alternatives that can match empty text
        std::vector<std::pair<int, int>> all;   // (entry pc, index into firsts_ or -1), for other characters
    };
    struct Exec {
        const char32_t* s;
        int n;
        int* caps;
        int depth, end;
    };

    // The characters a match can begin with (after zero-width assertions), so the scan skips the
    // positions where no match can start; a pattern that can match empty text starts anywhere.
    struct First {
        std::bitset<128> ascii;
        bool other = false, nullable = false;
    };
    First first_of(const Node& n) const {
        First f;
        auto add = [&](char32_t c) {
            if (c >= 128) { f.other = true; return; }
            f.ascii.set(c);
            if (icase_ && c < 128 && std::isalpha(static_cast<int>(c))) {
                f.ascii.set(static_cast<std::size_t>(std::tolower(static_cast<int>(c))));
                f.ascii.set(static_cast<std::size_t>(std::toupper(static_cast<int>(c))));
            }
        };
        switch (n.t) {
        case Node::Lit: add(n.c); break;
        case Node::Class:
            for (char32_t c = 0; c < 128; ++c)
                if (cls_has(n.cls, c)) f.ascii.set(c);
            f.other = true;
            break;
        case Node::Any:
            f.ascii.set();
            f.ascii.reset('\n');
            f.other = true;
            break;
        case Node::Cat:
            f.nullable = true;
            for (const auto& k : n.kids) {
                const First g = first_of(k);
                f.ascii |= g.ascii;
                f.other = f.other || g.other;
                if (!g.nullable) { f.nullable = false; break; }
            }
            break;
        case Node::Alt:
            for (const auto& k : n.kids) {
                const First g = first_of(k);
                f.ascii |= g.ascii;
                f.other = f.other || g.other;
                f.nullable = f.nullable || g.nullable;
            }
            break;
        case Node::Rep: f = first_of(n.kids[0]); f.nullable = f.nullable || n.min == 0; break;
        case Node::Group: f = first_of(n.kids[0]); break;
        default: f.nullable = true; break;  // look-arounds, ^, $, \b: zero width
        }
        return f;
    }
    bool match_from(const u32& s, int pos, Match& m, int pc) const {
        m.caps.assign(2 * ngroups_, -1);
        Exec x{s.data(), static_cast<int>(s.size()), m.caps.data(), 0, -1};
        if (!run(x, pc, pos)) return false;
        m.start = pos;
        m.end = x.end;
        return true;
    }
    bool may_start(const u32& s, int p) const {
        if (word_start_ && p > 0 && (s[p - 1] == '-' || is_word(s[p - 1]))) return false;
        return can_begin(start_, s.data(), static_cast<int>(s.size()), p);
    }
    bool can_begin(const First& f, const char32_t* s, int n, int p) const {
        if (f.nullable) return true;
        if (p >= n) return false;
        const char32_t c = s[p];
        if (c < 128) return f.ascii.test(c);
        if (f.other) return true;
        const char32_t k = icase_ ? fold(c) : c;
        return k < 128 && f.ascii.test(k);
    }

    // fold without a call for ASCII, most of every prompt
    static char32_t fold_fast(char32_t c) { return c < 128 ? (c >= 'A' && c <= 'Z' ? c + 32 : c) : fold(c); }
    bool eq(char32_t in, char32_t pat) const { return in == pat || (icase_ && fold_fast(in) == pat); }
    // As sre: under IGNORECASE a character is in a class when it, its lower case or that one's
    // upper case is (upper case of ASCII only: the built-in classes spell no other cased
    // letters), and a negated class negates that.
    bool cls_has(int k, char32_t c) const {
        const Cls& cl = classes_[k];
        bool in = cl.contains(c);
        if (!in && icase_) {
            const char32_t f = fold_fast(c);
            const char32_t u = f >= 'a' && f <= 'z' ? f - 32 : f;
            in = (f != c && cl.contains(f)) || (u != f && u != c && cl.contains(u));
        }
        return in != cl.neg;
    }
#if defined(__GNUC__)
    __attribute__((always_inline))  // the interpreter's innermost test: a call per character costs more than it does
#endif
    bool one(const Inst& in, char32_t c) const {
        if (in.op == kChar) return eq(c, in.c);
        if (in.op == kClass) return cls_has(in.a, c);
        return c != '\n';
    }

    bool run(Exec& x, int pc, int pos) const {
        if (++x.depth > 4000) { --x.depth; return false; }  // unreachable with the built-in patterns
        struct Guard { int& d; ~Guard() { --d; } } guard{x.depth};
        for (;;) {
            const Inst& in = prog_[pc];
            switch (in.op) {
            case kChar: case kClass: case kAny:
                if (pos >= x.n || !one(in, x.s[pos])) return false;
                ++pos, ++pc;
                break;
            case kSplit:
                // most alternatives of a word list fail on their first character: skip those
                // without a frame
                if ((in.first < 0 || can_begin(firsts_[in.first], x.s, x.n, pos)) && run(x, in.a, pos)) return true;
                pc = in.b;
                break;
            case kJmp: pc = in.a; break;
            case kDispatch: {
                const Dispatch& d = dispatches_[in.a];
                if (pos < x.n && x.s[pos] >= 128) {
                    for (const auto& [entry, f] : d.all)
                        if ((f < 0 || can_begin(firsts_[f], x.s, x.n, pos)) && run(x, entry, pos)) return true;
                    return false;
                }
                for (int entry : pos < x.n ? d.by_char[x.s[pos]] : d.at_end)
                    if (run(x, entry, pos)) return true;
                return false;
            }
            case kSave: {
                const int old = x.caps[in.a];
                x.caps[in.a] = pos;
                if (run(x, pc + 1, pos)) return true;
                x.caps[in.a] = old;
                return false;
            }
            case kMatch: x.end = pos; return true;
            case kBol: if (pos != 0) return false; ++pc; break;
            case kEol: if (!(pos == x.n || (pos == x.n - 1 && x.s[pos] == '\n'))) return false; ++pc; break;
            case kWordB: case kNotWordB: {
                const bool a = pos > 0 && is_word(x.s[pos - 1]), b = pos < x.n && is_word(x.s[pos]);
                if ((a != b) != (in.op == kWordB)) return false;
                ++pc;
                break;
            }
            case kLook: {
                const int end = x.end;
                const int from = in.ahead ? pos : pos - in.min;
                // a look at one character ("(?![\\w-])", most word ends) is tested without a frame
                const Inst& body = prog_[in.a];
                const bool one_char = (body.op == kChar || body.op == kClass || body.op == kAny) && prog_[in.a + 1].op == kMatch;
                const bool hit = from >= 0 && (one_char ? from < x.n && one(body, x.s[from]) : run(x, in.a, from));
                x.end = end;
                if (hit == in.neg) return false;
                pc = in.b;
                break;
            }
            case kStar: {
                const Inst& item = prog_[pc + 1];
                int k = 0;
                while (k < in.max && pos + k < x.n && one(item, x.s[pos + k])) ++k;
                if (k < in.min) return false;
                for (int i = in.greedy ? k : in.min; in.greedy ? i >= in.min : i <= k; i += in.greedy ? -1 : 1)
                    if (run(x, pc + 2, pos + i)) return true;
                return false;
            }
            }
        }
    }

    // -- pattern text -> tree
    bool more() const { return at_ < pat_.size(); }
    char32_t peek() const { return more() ? pat_[at_] : 0; }
    bool eat(const char* s) {
        std::size_t i = 0;
        for (; s[i]; ++i)
            if (at_ + i >= pat_.size() || pat_[at_ + i] != static_cast<char32_t>(s[i])) return false;
        at_ += i;
        return true;
    }
    Node parse_alt() {
        Node alt;
        alt.t = Node::Alt;
        alt.kids.push_back(parse_seq());
        while (eat("|")) alt.kids.push_back(parse_seq());
        return alt.kids.size() == 1 ? alt.kids[0] : alt;
    }
    Node parse_seq() {
        Node cat;
        while (more() && peek() != '|' && peek() != ')') {
            Node atom = parse_atom();
            int lo = -1, hi = -1;
            if (eat("?")) lo = 0, hi = 1;
            else if (eat("*")) lo = 0, hi = 1 << 30;
            else if (eat("+")) lo = 1, hi = 1 << 30;
            else if (peek() == '{') {
                ++at_;
                lo = read_int();
                hi = eat(",") ? read_int() : lo;
                if (!eat("}")) bad_ = true;
            }
            if (lo >= 0) {
                Node rep;
                rep.t = Node::Rep;
                rep.min = lo, rep.max = hi;
                rep.greedy = !eat("?");
                rep.kids.push_back(std::move(atom));
                atom = std::move(rep);
            }
            cat.kids.push_back(std::move(atom));
        }
        return cat;
    }
    int read_int() {
        int v = 0;
        while (peek() >= '0' && peek() <= '9') v = v * 10 + static_cast<int>(pat_[at_++] - '0');
        return v;
    }
    char32_t read_hex(int n) {
        char32_t v = 0;
        for (int i = 0; i < n && more(); ++i) {
            const char32_t c = pat_[at_++];
            v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        }
        return v;
    }
    Node parse_atom() {
        Node n;
        if (eat("(")) {
            n.t = Node::Group;
            if (eat("?:")) {
            } else if (eat("?P<")) {
                std::string name;
                while (more() && peek() != '>') name.push_back(static_cast<char>(pat_[at_++]));
                ++at_;
                n.cap = ngroups_++;
                names_[name] = n.cap;
            } else if (eat("?=") || eat("?!") || eat("?<!") || eat("?<=")) {
                const u32 intro = pat_.substr(at_ - 2, 2);
                n.t = Node::Look;
                n.ahead = intro[0] == '?';
                n.neg = intro[1] == '!';
            } else {
                n.cap = ngroups_++;
            }
            n.kids.push_back(parse_alt());
            if (!eat(")")) bad_ = true;
            return n;
        }
        if (eat("[")) return parse_class();
        if (eat(".")) { n.t = Node::Any; return n; }
        if (eat("^")) { n.t = Node::Bol; return n; }
        if (eat("$")) { n.t = Node::Eol; return n; }
        if (eat("\\")) {
            const char32_t e = more() ? pat_[at_++] : '\\';
            Cls c;
            switch (e) {
            case 'b': n.t = Node::WordB; return n;
            case 'B': n.t = Node::NotWordB; return n;
            case 'w': c.w = true; break;
            case 'W': c.nw = true; break;
            case 's': c.s = true; break;
            case 'd': c.d = true; break;
            case 'S': c.s = c.neg = true; break;
            case 'D': c.d = c.neg = true; break;
            default: n.t = Node::Lit; n.c = escaped(e); return n;
            }
            n.t = Node::Class;
            n.cls = add_class(c);
            return n;
        }
        n.t = Node::Lit;
        n.c = pat_[at_++];
        return n;
    }
    char32_t escaped(char32_t e) {
        switch (e) {
        case 'u': return read_hex(4);
        case 'x': return read_hex(2);
        case 'n': return '\n';
        case 't': return '\t';
        case 'r': return '\r';
        case 'f': return '\f';
        case 'v': return '\v';
        default: return e;
        }
    }
    Node parse_class() {
        Cls c;
        c.neg = eat("^");
        bool first = true;
        while (more() && (peek() != ']' || first)) {
            first = false;
            char32_t lo = pat_[at_++];
            if (lo == '\\' && more()) {
                const char32_t e = pat_[at_++];
                if (e == 'w') { c.w = true; continue; }
                if (e == 'W') { c.nw = true; continue; }
                if (e == 's') { c.s = true; continue; }
                if (e == 'd') { c.d = true; continue; }
                lo = escaped(e);
            }
            char32_t hi = lo;
            if (peek() == '-' && at_ + 1 < pat_.size() && pat_[at_ + 1] != ']') {
                ++at_;
                hi = pat_[at_++];
                if (hi == '\\' && more()) hi = escaped(pat_[at_++]);
            }
            c.ranges.emplace_back(lo, hi);
        }
        if (!eat("]")) bad_ = true;
        Node n;
        n.t = Node::Class;
        n.cls = add_class(c);
        return n;
    }
    int add_class(const Cls& c) {
        classes_.push_back(c);
        return static_cast<int>(classes_.size()) - 1;
    }

    // -- tree -> program
    int width(const Node& n) const {  // fixed width of a look-behind body (-1: variable)
        switch (n.t) {
        case Node::Lit: case Node::Class: case Node::Any: return 1;
        case Node::Cat: {
            int w = 0;
            for (const auto& k : n.kids) {
                const int kw = width(k);
                if (kw < 0) return -1;
                w += kw;
            }
            return w;
        }
        case Node::Alt: {
            const int w = width(n.kids[0]);
            for (const auto& k : n.kids)
                if (width(k) != w) return -1;
            return w;
        }
        case Node::Group: return width(n.kids[0]);
        case Node::Rep: return n.min == n.max ? n.min * width(n.kids[0]) : -1;
        default: return 0;
        }
    }
    int pc() const { return static_cast<int>(prog_.size()); }
    void emit(const Node& n) {
        switch (n.t) {
        case Node::Lit: prog_.push_back({kChar, 0, 0, icase_ ? fold(n.c) : n.c}); break;
        case Node::Class: prog_.push_back({kClass, n.cls}); break;
        case Node::Any: prog_.push_back({kAny}); break;
        case Node::Bol: prog_.push_back({kBol}); break;
        case Node::Eol: prog_.push_back({kEol}); break;
        case Node::WordB: prog_.push_back({kWordB}); break;
        case Node::NotWordB: prog_.push_back({kNotWordB}); break;
        case Node::Cat: for (const auto& k : n.kids) emit(k); break;
        case Node::Group:
            if (n.cap >= 0) prog_.push_back({kSave, 2 * n.cap});
            emit(n.kids[0]);
            if (n.cap >= 0) prog_.push_back({kSave, 2 * n.cap + 1});
            break;
        case Node::Alt: {
            if (n.kids.size() >= 6) {
                emit_dispatch(n);
                break;
            }
            std::vector<int> jumps;
            for (std::size_t i = 0; i < n.kids.size(); ++i) {
                int split = -1;
                if (i + 1 < n.kids.size()) {
                    split = pc();
                    prog_.push_back({kSplit, split + 1});
                    prog_[split].first = first_index(first_of(n.kids[i]));
                }
                emit(n.kids[i]);
                if (split >= 0) {
                    jumps.push_back(pc());
                    prog_.push_back({kJmp});
                    prog_[split].b = pc();
                }
            }
            for (int j : jumps) prog_[j].a = pc();
            break;
        }
        case Node::Look: {
            const int at = pc();
            Inst look{kLook, at + 1};
            look.ahead = n.ahead, look.neg = n.neg;
            if (!n.ahead) {
                look.min = width(n.kids[0]);
                if (look.min < 0) bad_ = true;
            }
            prog_.push_back(look);
            emit(n.kids[0]);
            prog_.push_back({kMatch});
            prog_[at].b = pc();
            break;
        }
        case Node::Rep: {
            const Node& body = n.kids[0];
            if (body.t == Node::Lit || body.t == Node::Class || body.t == Node::Any) {
                Inst star{kStar};
                star.min = n.min, star.max = n.max, star.greedy = n.greedy;
                prog_.push_back(star);
                emit(body);
                break;
            }
            for (int i = 0; i < n.min; ++i) emit(body);
            if (n.max >= (1 << 30)) {  // (body)* : the built-in patterns never repeat a body that can be empty
                const int loop = pc();
                prog_.push_back({kSplit});
                emit(body);
                prog_.push_back({kJmp, loop});
                set_split(loop, loop + 1, pc(), n.greedy);
                if (n.greedy) prog_[loop].first = first_index(first_of(body));
                break;
            }
            std::vector<int> splits;
            for (int i = n.min; i < n.max; ++i) {
                splits.push_back(pc());
                prog_.push_back({kSplit});
                emit(body);
            }
            const int body_first = n.greedy && !splits.empty() ? first_index(first_of(body)) : -1;
            for (int s : splits) {
                set_split(s, s + 1, pc(), n.greedy);
                prog_[s].first = body_first;
            }
            break;
        }
        }
    }
    void emit_dispatch(const Node& alt) {
        const int index = static_cast<int>(dispatches_.size());
        prog_.push_back({kDispatch, index});
        dispatches_.emplace_back();  // taken now: the alternatives may hold dispatches of their own
        Dispatch d;
        std::vector<int> jumps;
        for (const Node& kid : alt.kids) {
            const int entry = pc();
            const First f = first_of(kid);
            const int fi = first_index(f);
            d.all.emplace_back(entry, fi);
            for (int c = 0; c < 128; ++c)
                if (f.nullable || f.ascii.test(c)) d.by_char[c].push_back(entry);
            if (f.nullable) d.at_end.push_back(entry);
            emit(kid);
            jumps.push_back(pc());
            prog_.push_back({kJmp});
        }
        for (int j : jumps) prog_[j].a = pc();
        dispatches_[index] = std::move(d);
    }
    int first_index(const First& f) {  // -1: anything may begin there
        if (f.nullable) return -1;
        firsts_.push_back(f);
        return static_cast<int>(firsts_.size()) - 1;
    }
    void set_split(int at, int body, int out, bool greedy) {
        prog_[at].a = greedy ? body : out;
        prog_[at].b = greedy ? out : body;
    }

    bool icase_, bad_ = false, word_start_ = false;
    int scan_entry_ = 0;  // where find_all and search enter the program
    std::vector<u32> needs_;
    First start_;
    u32 pat_;
    std::size_t at_ = 0;
    int ngroups_ = 0;
    std::map<std::string, int> names_;
    std::vector<Cls> classes_;
    std::vector<Inst> prog_;
    std::vector<First> firsts_;
    std::vector<Dispatch> dispatches_;
};

// `t` with each match of `rx` (found in lower_same_length(t), so positions are t's) replaced by what
// `with(match, lowered)` returns; `t` itself when nothing matches.
template <class With>
u32 with_matches_replaced(const u32& t, const Regex& rx, With with) {
    const u32 low = lower_same_length(t);
    const auto found = rx.find_all(low);
    if (found.empty()) return t;
    u32 out;
    std::size_t at = 0;
    for (const auto& m : found) {
        out += t.substr(at, static_cast<std::size_t>(m.start) - at) + with(m, low);
        at = static_cast<std::size_t>(m.end);
    }
    return out + t.substr(at);
}

}  // namespace bewo::rt::textmatch
