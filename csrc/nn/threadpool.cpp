#include "threadpool.h"

#include <algorithm>

namespace bewo::nn {

ThreadPool::ThreadPool(int n_threads) {
    if (n_threads <= 0) n_threads = std::max(1u, std::thread::hardware_concurrency());
    for (int i = 1; i < n_threads; ++i) workers_.emplace_back([this, i] { worker(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        stop_ = true;
    }
    cv_start_.notify_all();
    for (auto& t : workers_) t.join();
}

static void chunk_range(std::size_t n, std::size_t chunks, std::size_t i, std::size_t& b, std::size_t& e) {
    b = n * i / chunks;
    e = n * (i + 1) / chunks;
}

void ThreadPool::parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn) {
    std::size_t chunks = std::min<std::size_t>(n, static_cast<std::size_t>(size()));
    if (chunks <= 1) {
        fn(0, n);
        return;
    }
    {
        std::lock_guard<std::mutex> lk(mu_);
        job_ = &fn;
        n_ = n;
        chunks_ = chunks;
        pending_ = chunks - 1;
        ++generation_;
    }
    cv_start_.notify_all();
    std::size_t b, e;
    chunk_range(n, chunks, 0, b, e);
    fn(b, e);
    std::unique_lock<std::mutex> lk(mu_);
    cv_done_.wait(lk, [this] { return pending_ == 0; });
    job_ = nullptr;
}

void ThreadPool::worker(int index) {
    std::size_t seen = 0;
    for (;;) {
        const std::function<void(std::size_t, std::size_t)>* job;
        std::size_t n, chunks;
        {
            std::unique_lock<std::mutex> lk(mu_);
            cv_start_.wait(lk, [&] { return stop_ || generation_ != seen; });
            if (stop_) return;
            seen = generation_;
            job = job_;
            n = n_;
            chunks = chunks_;
        }
        if (static_cast<std::size_t>(index) < chunks) {
            std::size_t b, e;
            chunk_range(n, chunks, index, b, e);
            (*job)(b, e);
            std::lock_guard<std::mutex> lk(mu_);
            if (--pending_ == 0) cv_done_.notify_one();
        }
    }
}

}  // namespace bewo::nn
