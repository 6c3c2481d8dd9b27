#pragma once
// DsigRuntime: process-wide xmlsec1 set-up, constructed once on the main thread after
// hub::xml::XmlRuntime and destroyed before it. Order (xmlsec 1.2.37): xmlSecInit,
// xmlSecCheckVersion, xmlSecCryptoAppInit(nullptr), xmlSecCryptoInit; reverse on destruction.
// It also routes xmlsec's error reports to the calling thread's error scope (never to stderr), so
// Signer and Verifier can put the library's reason into their messages.
#include <string>

#include "hub/core/result.h"

namespace hub::dsig {

class DsigRuntime {
 public:
  DsigRuntime();
  ~DsigRuntime();
  DsigRuntime(const DsigRuntime&) = delete;
  DsigRuntime& operator=(const DsigRuntime&) = delete;

  // False (with the reason in initError()) when a step failed; Signer/Verifier then refuse.
  bool ok() const { return ok_; }
  const std::string& initError() const { return error_; }

 private:
  int stage_ = 0;  // how many init steps succeeded, undone in reverse
  bool ok_ = false;
  std::string error_;
};

}  // namespace hub::dsig
