// SHA-256 (FIPS 180-4), for the bundle's per-group tensor hashes and the text encoder's files.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace bewo::nn {

class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t n);
    std::string hex();  // finishes the hash

private:
    void block(const std::uint8_t* p);
    std::uint32_t h_[8];
    std::uint8_t buf_[64];
    std::size_t used_ = 0;
    std::uint64_t bits_ = 0;
};

// SHA-256 of a whole file as hex; empty string (and err) when it cannot be read.
std::string sha256_file(const std::string& path, std::string& err);

}  // namespace bewo::nn
