#pragma once
// libcurl global state: one CurlGlobal in main(), created before any thread starts and destroyed
// after every thread using curl has stopped (curl_global_init is not thread-safe).
#include <curl/curl.h>

#include <stdexcept>

namespace hub::curl {

class CurlGlobal {
 public:
  // Start-up only: throws when libcurl cannot initialise (nothing useful can run without it).
  CurlGlobal() {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
  }
  ~CurlGlobal() { curl_global_cleanup(); }
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

}  // namespace hub::curl
