// Read-only safetensors files, memory-mapped. Everything in the header is validated before a
// byte of data is trusted: header length within the file, JSON well formed, each tensor's dtype
// known, shape x dtype size == its byte span, offsets inside the data area, spans not
// overlapping. Errors come back as strings (no exceptions escape the loader).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bewo::nn {

enum class DType { F32, F16, BF16, I64, I32, U8 };

struct TensorView {
    DType dtype;
    std::vector<std::int64_t> shape;
    const std::uint8_t* data = nullptr;  // inside the mapping
    std::size_t bytes = 0;
    std::size_t numel() const;
};

class SafeTensors {
public:
    SafeTensors() = default;
    ~SafeTensors();
    SafeTensors(const SafeTensors&) = delete;
    SafeTensors& operator=(const SafeTensors&) = delete;
    SafeTensors(SafeTensors&& o) noexcept;
    SafeTensors& operator=(SafeTensors&& o) noexcept;

    // From a file (mmap) or from caller memory (copied, so the caller may free it). False + err.
    bool open_file(const std::string& path, std::string& err);
    bool open_memory(const void* data, std::size_t size, std::string& err);

    const std::map<std::string, TensorView>& tensors() const { return tensors_; }
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    const TensorView* find(const std::string& name) const;
    // Drops the whole pages of a file mapping that lie inside t's bytes from this process's
    // memory (they are re-read from the file if touched again): a loader that packs each tensor
    // into its own layout keeps about one copy of the weights resident, not two. No-op in memory.
    void release(const TensorView& t) const;
    // The tensor as fp32 (converted from F16/BF16/F32), checked against `shape`; false + err.
    bool get_f32(const std::string& name, const std::vector<std::int64_t>& shape, std::vector<float>& out,
                 std::string& err) const;

private:
    bool parse(std::string& err);
    void close();
    void* map_ = nullptr;
    std::size_t map_size_ = 0;
    std::vector<std::uint8_t> owned_;
    const std::uint8_t* base_ = nullptr;
    std::size_t size_ = 0;
    std::map<std::string, TensorView> tensors_;
    std::map<std::string, std::string> metadata_;
};

}  // namespace bewo::nn
