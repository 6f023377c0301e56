// One pool of worker threads, created once per context and reused by every call: spawning
// threads per GEMM would cost more than the GEMMs of a small model.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace bewo::nn {

class ThreadPool {
public:
    explicit ThreadPool(int n_threads);  // n_threads <= 0: hardware concurrency
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;
    int size() const { return static_cast<int>(workers_.size()) + 1; }
    // Calls fn(begin, end) over [0, n) split into at most size() contiguous chunks; the caller
    // runs one chunk itself. Not reentrant: fn must not call parallel_for on the same pool.
    void parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn);

private:
    void worker(int index);
    std::vector<std::thread> workers_;
    // A model step is hundreds of short parallel regions: workers and the caller spin briefly
    // on these atomics before sleeping on the condition variables (waking a sleeping thread
    // costs tens of microseconds on a VM, as much as a small GEMM).
    std::mutex mu_;
    std::condition_variable cv_start_, cv_done_;
    const std::function<void(std::size_t, std::size_t)>* job_ = nullptr;
    std::size_t n_ = 0, chunks_ = 0;
    std::atomic<std::size_t> generation_{0}, pending_{0};
    std::atomic<bool> stop_{false};
};

// Runs fn over [0, n) on the pool, or inline when pool is null.
inline void parallel(ThreadPool* pool, std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn) {
    if (pool == nullptr || pool->size() == 1 || n < 2) fn(0, n);
    else pool->parallel_for(n, fn);
}

}  // namespace bewo::nn
