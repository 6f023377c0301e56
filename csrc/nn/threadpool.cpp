#include "threadpool.h"

#include <algorithm>
#include <chrono>
#include <system_error>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define BEWO_PAUSE() _mm_pause()
#else
#define BEWO_PAUSE() std::this_thread::yield()
#endif

namespace bewo::nn {

namespace {
constexpr auto kSpin = std::chrono::microseconds(100);

void chunk_range(std::size_t n, std::size_t chunks, std::size_t i, std::size_t& b, std::size_t& e) {
    b = n * i / chunks;
    e = n * (i + 1) / chunks;
}
}  // namespace

ThreadPool::ThreadPool(int n_threads) {
    if (n_threads <= 0) n_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    workers_.reserve(static_cast<std::size_t>(n_threads));
    for (int i = 1; i < n_threads; ++i) {
        // A thread the system refuses (process limits) leaves a smaller pool; letting the
        // exception out would destroy the joinable workers already started and terminate.
        try {
            workers_.emplace_back([this, i] { worker(i); });
        } catch (const std::system_error&) {
            break;
        }
    }
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        stop_.store(true);
        generation_.fetch_add(1);
    }
    cv_start_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn) {
    const std::size_t chunks = std::min<std::size_t>(n, static_cast<std::size_t>(size()));
    if (chunks <= 1) {
        fn(0, n);
        return;
    }
    {
        std::lock_guard<std::mutex> lk(mu_);
        job_ = &fn;
        n_ = n;
        chunks_ = chunks;
        pending_.store(workers_.size(), std::memory_order_relaxed);  // every worker reports, busy or not
        generation_.fetch_add(1, std::memory_order_release);
    }
    cv_start_.notify_all();
    std::size_t b, e;
    chunk_range(n, chunks, 0, b, e);
    fn(b, e);
    const auto until = std::chrono::steady_clock::now() + kSpin;
    while (pending_.load(std::memory_order_acquire) != 0 && std::chrono::steady_clock::now() < until) BEWO_PAUSE();
    if (pending_.load(std::memory_order_acquire) != 0) {
        std::unique_lock<std::mutex> lk(mu_);
        cv_done_.wait(lk, [this] { return pending_.load(std::memory_order_acquire) == 0; });
    }
}

void ThreadPool::worker(int index) {
    std::size_t seen = 0;  // generation_ at construction: a region published before this thread runs is still taken
    for (;;) {
        // Spin a little for the next region, then sleep until one is published.
        const auto until = std::chrono::steady_clock::now() + kSpin;
        while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until)
            BEWO_PAUSE();
        const std::function<void(std::size_t, std::size_t)>* job;
        std::size_t n, chunks;
        {
            std::unique_lock<std::mutex> lk(mu_);
            cv_start_.wait(lk, [&] { return generation_.load(std::memory_order_acquire) != seen; });
            if (stop_.load()) return;
            seen = generation_.load(std::memory_order_acquire);
            job = job_;
            n = n_;
            chunks = chunks_;
        }
        if (static_cast<std::size_t>(index) < chunks) {
            std::size_t b, e;
            chunk_range(n, chunks, index, b, e);
            (*job)(b, e);
        }
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard<std::mutex> lk(mu_);  // pairs with the caller's predicate check
            cv_done_.notify_one();
        }
    }
}

}  // namespace bewo::nn
