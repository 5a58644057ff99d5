// The one way summitcast runs independent tasks on several threads.
//
// parallel_for(count, threads, body) calls body(k) once for every k in
// [0, count), on min(threads, count) worker threads that take the next index
// from a shared counter (so a slow task does not hold up a fixed block of
// others).  Determinism is the caller's side of the contract: body(k) must
// depend only on k (its own random stream, its own output slot), and then the
// result is the same whatever the number of threads.  threads = 0 means the
// hardware concurrency.  An exception thrown by a task is re-thrown in the
// calling thread after every worker has stopped (the one of the lowest index,
// so that too is independent of the thread count); the remaining tasks still
// run.
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "summitcast/core/errors.hpp"

namespace summitcast {

// The number of worker threads for `count` tasks when the user asked for
// `threads` (0 = all hardware threads).
inline int worker_count(long long count, int threads) {
  if (threads < 0) fail_value("parallel_for", "threads must be >= 0, got ", threads);
  if (threads == 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return static_cast<int>(std::max<long long>(1, std::min<long long>(threads, count)));
}

template <class Index, class Body>
void parallel_for(Index count, int threads, Body&& body) {
  if (count <= 0) return;
  const int workers = worker_count(static_cast<long long>(count), threads);
  if (workers == 1) {
    for (Index k = 0; k < count; ++k) body(k);
    return;
  }
  std::atomic<long long> next{0};
  std::mutex error_mutex;
  long long error_index = static_cast<long long>(count);
  std::exception_ptr error;
  auto work = [&] {
    for (long long k = next.fetch_add(1); k < static_cast<long long>(count); k = next.fetch_add(1)) {
      try {
        body(static_cast<Index>(k));
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (k < error_index) {
          error_index = k;
          error = std::current_exception();
        }
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(workers - 1));
  for (int w = 1; w < workers; ++w) pool.emplace_back(work);
  work();  // the calling thread is the first worker
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace summitcast
