#include "safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#include "json.h"
#include "ops.h"

namespace bewo::nn {

namespace {

bool dtype_of(const std::string& s, DType& d, std::size_t& size) {
    if (s == "F32") { d = DType::F32; size = 4; }
    else if (s == "F16") { d = DType::F16; size = 2; }
    else if (s == "BF16") { d = DType::BF16; size = 2; }
    else if (s == "I64") { d = DType::I64; size = 8; }
    else if (s == "I32") { d = DType::I32; size = 4; }
    else if (s == "U8") { d = DType::U8; size = 1; }
    else return false;
    return true;
}

constexpr std::uint64_t kMaxHeader = 100u << 20;  // as the reference implementation limits it

std::string shape_str(const std::vector<std::int64_t>& s) {
    std::string o = "(";
    for (std::size_t i = 0; i < s.size(); ++i) o += (i ? ", " : "") + std::to_string(s[i]);
    return o + (s.size() == 1 ? ",)" : ")");
}

}  // namespace

std::size_t TensorView::numel() const {
    std::size_t n = 1;
    for (auto d : shape) n *= static_cast<std::size_t>(d);
    return n;
}

SafeTensors::~SafeTensors() { close(); }

SafeTensors::SafeTensors(SafeTensors&& o) noexcept { *this = std::move(o); }

SafeTensors& SafeTensors::operator=(SafeTensors&& o) noexcept {
    if (this != &o) {
        close();
        map_ = o.map_; map_size_ = o.map_size_; owned_ = std::move(o.owned_);
        base_ = o.base_; size_ = o.size_;
        tensors_ = std::move(o.tensors_); metadata_ = std::move(o.metadata_);
        if (!owned_.empty()) {  // views pointed into o.owned_, whose buffer moved with it
            base_ = owned_.data();
        }
        o.map_ = nullptr; o.map_size_ = 0; o.base_ = nullptr; o.size_ = 0;
    }
    return *this;
}

void SafeTensors::close() {
    if (map_ != nullptr) munmap(map_, map_size_);
    map_ = nullptr;
    map_size_ = 0;
    owned_.clear();
    base_ = nullptr;
    size_ = 0;
    tensors_.clear();
    metadata_.clear();
}

bool SafeTensors::open_file(const std::string& path, std::string& err) {
    close();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) { err = "cannot open " + path + ": " + std::strerror(errno); return false; }
    struct stat st{};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        err = path + " is not a regular file";
        return false;
    }
    if (st.st_size < 8) {
        ::close(fd);
        err = path + " is too short to be a safetensors file (" + std::to_string(st.st_size) + " bytes)";
        return false;
    }
    void* m = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (m == MAP_FAILED) { err = "cannot map " + path + ": " + std::strerror(errno); return false; }
    map_ = m;
    map_size_ = static_cast<std::size_t>(st.st_size);
    base_ = static_cast<const std::uint8_t*>(m);
    size_ = map_size_;
    if (!parse(err)) {
        err = path + ": " + err;
        close();
        return false;
    }
    return true;
}

bool SafeTensors::open_memory(const void* data, std::size_t size, std::string& err) {
    close();
    if (data == nullptr || size < 8) { err = "safetensors data is empty or shorter than 8 bytes"; return false; }
    owned_.assign(static_cast<const std::uint8_t*>(data), static_cast<const std::uint8_t*>(data) + size);
    base_ = owned_.data();
    size_ = size;
    if (!parse(err)) { close(); return false; }
    return true;
}

bool SafeTensors::parse(std::string& err) {
    std::uint64_t hlen = 0;
    for (int i = 7; i >= 0; --i) hlen = (hlen << 8) | base_[i];
    if (hlen == 0 || hlen > kMaxHeader || hlen > size_ - 8) {
        err = "header length " + std::to_string(hlen) + " does not fit the file (" + std::to_string(size_) + " bytes)";
        return false;
    }
    json::Value root;
    std::string jerr;
    if (!json::parse(reinterpret_cast<const char*>(base_ + 8), static_cast<std::size_t>(hlen), root, jerr, 8)) {
        err = "header is not valid JSON (" + jerr + ")";
        return false;
    }
    if (root.kind != json::Value::Object) { err = "header is not a JSON object"; return false; }
    const std::uint8_t* data = base_ + 8 + hlen;
    const std::size_t data_size = size_ - 8 - static_cast<std::size_t>(hlen);
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    for (const auto& kv : root.obj) {
        const std::string& name = kv.first;
        const json::Value& v = kv.second;
        if (name == "__metadata__") {
            if (v.kind != json::Value::Object) { err = "__metadata__ is not an object"; return false; }
            for (const auto& m : v.obj) {
                if (m.second.kind != json::Value::String) { err = "metadata value \"" + m.first + "\" is not a string"; return false; }
                metadata_[m.first] = m.second.str;
            }
            continue;
        }
        if (v.kind != json::Value::Object) { err = "tensor \"" + name + "\" entry is not an object"; return false; }
        const json::Value* dt = v.get("dtype");
        const json::Value* sh = v.get("shape");
        const json::Value* off = v.get("data_offsets");
        if (!dt || !sh || !off || dt->kind != json::Value::String || sh->kind != json::Value::Array ||
            off->kind != json::Value::Array || off->arr.size() != 2) {
            err = "tensor \"" + name + "\" lacks dtype, shape or a pair of data_offsets";
            return false;
        }
        TensorView t;
        std::size_t esize = 0;
        if (!dtype_of(dt->str, t.dtype, esize)) { err = "tensor \"" + name + "\" has unsupported dtype " + dt->str; return false; }
        if (sh->arr.size() > 8) { err = "tensor \"" + name + "\" has more than 8 dimensions"; return false; }
        std::size_t numel = 1;
        for (const auto& d : sh->arr) {
            if (!d.is_int() || d.num < 0) { err = "tensor \"" + name + "\" has a bad shape"; return false; }
            auto dim = static_cast<std::uint64_t>(d.num);
            if (dim != 0 && numel > std::numeric_limits<std::size_t>::max() / 16 / dim) {
                err = "tensor \"" + name + "\" is impossibly large";
                return false;
            }
            numel *= static_cast<std::size_t>(dim);
            t.shape.push_back(static_cast<std::int64_t>(dim));
        }
        for (const auto& o : off->arr)
            if (!o.is_int() || o.num < 0) { err = "tensor \"" + name + "\" has bad data_offsets"; return false; }
        auto b = static_cast<std::size_t>(off->arr[0].num), e = static_cast<std::size_t>(off->arr[1].num);
        if (b > e || e > data_size) {
            err = "tensor \"" + name + "\" data_offsets [" + std::to_string(b) + ", " + std::to_string(e) +
                  ") fall outside the data (" + std::to_string(data_size) + " bytes)";
            return false;
        }
        if (e - b != numel * esize) {
            err = "tensor \"" + name + "\" spans " + std::to_string(e - b) + " bytes but shape " + shape_str(t.shape) +
                  " x " + dt->str + " needs " + std::to_string(numel * esize);
            return false;
        }
        t.data = data + b;
        t.bytes = e - b;
        if (t.bytes) spans.emplace_back(b, e);
        tensors_[name] = std::move(t);
    }
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i)
        if (spans[i].first < spans[i - 1].second) {
            err = "two tensors overlap at data offset " + std::to_string(spans[i].first);
            return false;
        }
    return true;
}

void SafeTensors::release(const TensorView& t) const {
    if (!map_ || !t.data || t.bytes == 0) return;
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const auto lo = reinterpret_cast<std::uintptr_t>(t.data), hi = lo + t.bytes;
    const std::uintptr_t a = (lo + page - 1) / page * page, b = hi / page * page;
    if (b > a) madvise(reinterpret_cast<void*>(a), b - a, MADV_DONTNEED);
}

const TensorView* SafeTensors::find(const std::string& name) const {
    auto it = tensors_.find(name);
    return it == tensors_.end() ? nullptr : &it->second;
}

bool SafeTensors::get_f32(const std::string& name, const std::vector<std::int64_t>& shape, std::vector<float>& out,
                          std::string& err) const {
    const TensorView* t = find(name);
    if (!t) { err = "tensor \"" + name + "\" is missing"; return false; }
    if (t->shape != shape) {
        err = "tensor \"" + name + "\" has shape " + shape_str(t->shape) + ", expected " + shape_str(shape);
        return false;
    }
    std::size_t n = t->numel();
    out.resize(n);
    switch (t->dtype) {
        case DType::F32: std::memcpy(out.data(), t->data, n * 4); break;
        case DType::F16: {
            std::vector<std::uint16_t> h(n);
            std::memcpy(h.data(), t->data, n * 2);  // the mapping may be unaligned for 2-byte reads
            half_to_float(h.data(), out.data(), n);
            break;
        }
        case DType::BF16:
            for (std::size_t i = 0; i < n; ++i) {
                std::uint16_t b;
                std::memcpy(&b, t->data + 2 * i, 2);
                std::uint32_t u = static_cast<std::uint32_t>(b) << 16;
                std::memcpy(&out[i], &u, 4);
            }
            break;
        default: err = "tensor \"" + name + "\" is not a floating-point tensor"; return false;
    }
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(out[i])) { err = "tensor \"" + name + "\" holds NaN or Inf"; return false; }
    return true;
}

}  // namespace bewo::nn
