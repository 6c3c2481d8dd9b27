#pragma once
// A fixed pool of worker threads running posted tasks in order.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hub::engine {

class WorkerPool {
 public:
  // Threads are named `name`-0, `name`-1, ... (as `top -H` and perf show them).
  explicit WorkerPool(int threads, const std::string& name = "kh-worker");
  ~WorkerPool();
  void post(std::function<void()> task);
  void stop();  // runs what is queued, then joins
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void loop();
  std::mutex mu_;  // guards tasks_, stopping_
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace hub::engine
