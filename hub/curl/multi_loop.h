#pragma once
// MultiLoop: one I/O thread running a libcurl multi handle, so many transfers are in flight
// without a thread blocked on each (non-blocking HTTP). The easy handles keep every option they
// were given (TLS profile, pins, timeouts); the multi handle owns the connections and reuses them
// across its transfers (HTTP keep-alive), at most `max_connections` kept.
//
//   add(easy, done)   any thread: the transfer starts on the loop thread; `done(code)` runs on
//                     the loop thread when it ends (CURLE_OK or the error), after the easy handle
//                     was removed from the multi handle, so `done` may reuse or free it.
//   ~MultiLoop()      lets every transfer already added run to its end (their timeouts bound
//                     this), calls their `done`, then joins the thread.
//
// Thread ownership: `pending_` and `stopping_` are shared (guarded by `mu_`); the multi handle
// and `running_` belong to the loop thread alone. `done` must not destroy the MultiLoop.
#include <curl/curl.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hub/core/result.h"

namespace hub::curl {

class MultiLoop {
 public:
  using Done = std::function<void(CURLcode)>;

  // thread_name: as `top -H` shows the loop thread (15 bytes at most).
  static Result<std::unique_ptr<MultiLoop>> create(const std::string& thread_name,
                                                   long max_connections);
  ~MultiLoop();
  MultiLoop(const MultiLoop&) = delete;
  MultiLoop& operator=(const MultiLoop&) = delete;

  void add(CURL* easy, Done done);

 private:
  explicit MultiLoop(CURLM* multi);
  void loop();
  void takePending();  // loop thread: adds what add() queued
  void finishDone();   // loop thread: ends the transfers curl reports done

  CURLM* const multi_;  // the loop thread's (curl_multi_wakeup from any thread)
  std::mutex mu_;
  std::vector<std::pair<CURL*, Done>> pending_;  // guarded by mu_
  bool stopping_ = false;                        // guarded by mu_
  std::map<CURL*, Done> running_;                // loop thread only
  std::thread thread_;
};

}  // namespace hub::curl
