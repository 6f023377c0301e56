// A small stand-alone fuzzing driver for the LLVMFuzzerTestOneInput targets, for toolchains
// without libFuzzer (g++): not coverage-guided, but deterministic (-seed) random mutation of a
// seed corpus (bit flips, byte sets, interesting values, inserted/erased/duplicated ranges,
// JSON/UTF-8 tokens, splices of two corpus entries, truncation), with ASan/UBSan doing the
// checking. Inputs that survive are occasionally added back to the pool so mutations stack.
//
//   ./fuzz_x [-runs=N] [-seed=S] [-max_len=N] [-max_total_time=S] CORPUS_DIR_OR_FILE...
//   ./fuzz_x FILE...            (no -runs: run each file once: the regression mode)
// A failing input is written to ./crash-input (-artifact_prefix=DIR/ to move it) when a
// sanitizer reports or a signal (a trap, an abort) ends the process.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

#if defined(__has_include)
#if __has_include(<sanitizer/common_interface_defs.h>)
#include <sanitizer/common_interface_defs.h>
#define BEWO_HAVE_SAN_CALLBACK 1
#endif
#endif

namespace {

// The input being run, written out when a sanitizer reports or a signal kills the process.
const std::uint8_t* g_cur = nullptr;
std::size_t g_cur_size = 0;
char g_crash_path[4096] = "./crash-input";

void dump_current() {
    if (!g_cur) return;
    const int fd = ::open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    std::size_t off = 0;
    while (off < g_cur_size) {
        const ssize_t w = ::write(fd, g_cur + off, g_cur_size - off);
        if (w <= 0) break;
        off += static_cast<std::size_t>(w);
    }
    ::close(fd);
    const char msg[] = "driver: the failing input was written to ";
    (void)!::write(2, msg, sizeof msg - 1);
    (void)!::write(2, g_crash_path, std::strlen(g_crash_path));
    (void)!::write(2, "\n", 1);
}

void on_signal(int sig) {
    dump_current();
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

int run_one(const std::uint8_t* d, std::size_t n) {
    g_cur = d;
    g_cur_size = n;
    const int rc = LLVMFuzzerTestOneInput(d, n);
    g_cur = nullptr;
    return rc;
}

using Bytes = std::vector<std::uint8_t>;

struct Rng {
    std::uint64_t s;
    std::uint64_t next() {  // splitmix64
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return n ? static_cast<std::size_t>(next() % n) : 0; }
};

bool read_file(const std::string& path, Bytes& out) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    out.clear();
    std::uint8_t buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
    std::fclose(f);
    return true;
}

void collect(const std::string& path, std::vector<std::string>& files) {
    struct stat st{};
    if (stat(path.c_str(), &st) != 0) { std::fprintf(stderr, "driver: %s does not exist\n", path.c_str()); std::exit(2); }
    if (S_ISDIR(st.st_mode)) {
        DIR* d = opendir(path.c_str());
        std::vector<std::string> names;
        while (dirent* e = readdir(d))
            if (e->d_name[0] != '.') names.push_back(e->d_name);
        closedir(d);
        std::sort(names.begin(), names.end());
        for (const auto& n : names) collect(path + "/" + n, files);
    } else {
        files.push_back(path);
    }
}

const char* kTokens[] = {"{", "}", "[", "]", "\"", ":", ",", "null", "true", "false", "0", "-0", "1e308", "-1e309",
                         "1.5", "1e-400", "9007199254740993", "18446744073709551616", "-1", "\\u", "\\ud800",
                         "\\udc00", "\\u0000", "\\\"", "\\\\", "\"dtype\"", "\"shape\"", "\"data_offsets\"",
                         "\"__metadata__\"", "\"F16\"", "\"BF16\"", "\"F32\"", "\"I64\"", "\"U8\"", "\"sources\"",
                         "\"path\"", "\"speed\"", "\"instant\"", "\"azimuth_start_deg\"", "\"start_time_s\"",
                         "\"room\"", "\"outdoor\"", "\"config\"", "\"hashes\"", "\"latent_scale\"",
                         "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x90\xb6", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                         "\xe2\x80", "\x80", "\xff", "\xcc\x87", "\xce\xa3", "##", "[UNK]", " ", "\t", "\n", "\r\n"};

void mutate(Bytes& b, const std::vector<Bytes>& pool, Rng& r, std::size_t max_len) {
    const int n_mut = 1 + static_cast<int>(r.below(4));
    for (int m = 0; m < n_mut; ++m) {
        switch (r.below(11)) {
            case 0:  // flip a bit
                if (!b.empty()) b[r.below(b.size())] ^= static_cast<std::uint8_t>(1u << r.below(8));
                break;
            case 1:  // set a byte
                if (!b.empty()) b[r.below(b.size())] = static_cast<std::uint8_t>(r.next());
                break;
            case 2: {  // interesting byte
                static const std::uint8_t v[] = {0, 1, 0x7f, 0x80, 0xff, '0', '9', '"', '\\', '{', '[', '-', '.', 'e'};
                if (!b.empty()) b[r.below(b.size())] = v[r.below(sizeof v)];
                break;
            }
            case 3: {  // insert random bytes
                const std::size_t at = r.below(b.size() + 1), n = 1 + r.below(8);
                for (std::size_t i = 0; i < n; ++i) b.insert(b.begin() + at, static_cast<std::uint8_t>(r.next()));
                break;
            }
            case 4: {  // erase a range
                if (b.empty()) break;
                const std::size_t at = r.below(b.size()), n = 1 + r.below(std::min<std::size_t>(b.size() - at, 16));
                b.erase(b.begin() + at, b.begin() + at + n);
                break;
            }
            case 5: {  // duplicate a range
                if (b.empty()) break;
                const std::size_t at = r.below(b.size()), n = 1 + r.below(std::min<std::size_t>(b.size() - at, 32));
                Bytes chunk(b.begin() + at, b.begin() + at + n);
                b.insert(b.begin() + r.below(b.size() + 1), chunk.begin(), chunk.end());
                break;
            }
            case 6:
            case 7: {  // insert or overwrite with a token
                const char* t = kTokens[r.below(sizeof kTokens / sizeof *kTokens)];
                const std::size_t at = r.below(b.size() + 1), n = std::strlen(t);
                if (r.below(2) || at + n > b.size()) b.insert(b.begin() + at, t, t + n);
                else std::memcpy(b.data() + at, t, n);
                break;
            }
            case 8: {  // splice with another corpus entry
                const Bytes& o = pool[r.below(pool.size())];
                if (o.empty()) break;
                const std::size_t cut = r.below(b.size() + 1), from = r.below(o.size());
                b.resize(cut);
                b.insert(b.end(), o.begin() + from, o.begin() + from + std::min<std::size_t>(o.size() - from, 1 + r.below(256)));
                break;
            }
            case 9:  // truncate
                if (!b.empty()) b.resize(r.below(b.size() + 1));
                break;
            case 10: {  // a little-endian integer in the first 9 bytes (safetensors length field)
                if (b.size() < 9) break;
                static const std::uint64_t v[] = {0, 1, 7, 8, 0xFFFFFFFFull, 0x7FFFFFFFFFFFFFFFull, ~0ull, 100u << 20};
                std::uint64_t x = r.below(3) ? v[r.below(8)] : r.next() % (b.size() + 16);
                const std::size_t at = r.below(2);  // fuzz_bundle has a selector byte first
                for (int k = 0; k < 8; ++k) b[at + k] = static_cast<std::uint8_t>(x >> (8 * k));
                break;
            }
        }
    }
    if (b.size() > max_len) b.resize(max_len);
}

}  // namespace

int main(int argc, char** argv) {
    long long runs = -1;
    std::uint64_t seed = 1;
    std::size_t max_len = 1 << 20;
    double max_time = 0;
    std::string prefix = "./";
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        if (std::strncmp(a, "-runs=", 6) == 0) runs = std::atoll(a + 6);
        else if (std::strncmp(a, "-seed=", 6) == 0) seed = std::strtoull(a + 6, nullptr, 10);
        else if (std::strncmp(a, "-max_len=", 9) == 0) max_len = std::strtoull(a + 9, nullptr, 10);
        else if (std::strncmp(a, "-max_total_time=", 16) == 0) max_time = std::atof(a + 16);
        else if (std::strncmp(a, "-artifact_prefix=", 17) == 0) prefix = a + 17;
        else if (std::strncmp(a, "-print_final_stats", 18) == 0) continue;
        else if (a[0] == '-') std::fprintf(stderr, "driver: ignoring %s\n", a);
        else collect(a, files);
    }
    std::vector<Bytes> pool;
    for (const auto& f : files) {
        Bytes b;
        if (!read_file(f, b)) { std::fprintf(stderr, "driver: cannot read %s\n", f.c_str()); return 2; }
        pool.push_back(std::move(b));
    }
    std::snprintf(g_crash_path, sizeof g_crash_path, "%scrash-input", prefix.c_str());
#ifdef BEWO_HAVE_SAN_CALLBACK
    __sanitizer_set_death_callback(dump_current);
#endif
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGABRT, SIGFPE}) ::signal(sig, on_signal);
    const auto t0 = std::chrono::steady_clock::now();
    // Every corpus file once, unmutated (this is all the regression mode does).
    for (std::size_t i = 0; i < pool.size(); ++i) {
        Bytes copy = pool[i];  // a fresh heap block of the exact size: ASan sees over-reads
        run_one(copy.data(), copy.size());
    }
    if (runs < 0) {
        std::printf("Executed %zu inputs (regression)\n", pool.size());
        return 0;
    }
    if (pool.empty()) pool.emplace_back();
    Rng r{seed};
    const std::size_t n_seeds = pool.size();
    long long done = 0;
    for (; done < runs; ++done) {
        Bytes b = pool[r.below(pool.size())];
        mutate(b, pool, r, max_len);
        if ((done & 1023) == 0) {
            const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (max_time > 0 && el > max_time) break;
            if ((done & ((1 << 17) - 1)) == 0 && done)
                std::fprintf(stderr, "#%lld\t%.0f exec/s\n", done, done / el);
        }
        Bytes input(b);  // exact-size heap copy
        run_one(input.data(), input.size());
        // Keep some mutants so mutations stack (bounded pool; seeds are never evicted).
        if (r.below(64) == 0) {
            if (pool.size() < n_seeds + 256) pool.push_back(std::move(b));
            else pool[n_seeds + r.below(256)] = std::move(b);
        }
    }
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("Done %lld runs in %.1f second(s) (%zu seeds, seed=%llu)\n", done, el, n_seeds,
                static_cast<unsigned long long>(seed));
    return 0;
}
