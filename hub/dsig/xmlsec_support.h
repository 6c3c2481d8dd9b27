#pragma once
// Internal to hub/dsig: the one place where xmlsec handles are wrapped, the signKey ownership
// hand-over, and the per-thread capture of xmlsec error reports.
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/xmldsig.h>

#include <string>
#include <utility>
#include <vector>

#include "hub/core/c_ptr.h"
#include "hub/core/result.h"

namespace hub::dsig::internal {

using KeyPtr = CPtr<xmlSecKey, xmlSecKeyDestroy>;
using KeysMngrPtr = CPtr<xmlSecKeysMngr, xmlSecKeysMngrDestroy>;
using DSigCtxPtr = CPtr<xmlSecDSigCtx, xmlSecDSigCtxDestroy>;

// Hands `key` over to the signature context: from here on the context owns and destroys it
// (xmlSecDSigCtxDestroy frees dsigCtx->signKey). The only place signKey is assigned.
inline void handSignKeyToContext(xmlSecDSigCtx& ctx, KeyPtr key) {
  if (ctx.signKey != nullptr) xmlSecKeyDestroy(ctx.signKey);
  ctx.signKey = key.release();
}

// Collects xmlsec error reports raised on this thread while it lives (innermost scope wins).
class XmlSecErrorScope {
 public:
  XmlSecErrorScope();
  ~XmlSecErrorScope();
  XmlSecErrorScope(const XmlSecErrorScope&) = delete;
  XmlSecErrorScope& operator=(const XmlSecErrorScope&) = delete;
  // "func: subject: msg; ..." for the first few reports, "" when there were none.
  std::string text() const;
  // The first report with this xmlsec reason code (XMLSEC_ERRORS_R_*), "" when none.
  std::string reportFor(int reason) const;
  void add(int reason, std::string report);

 private:
  static constexpr size_t kKeep = 8;
  XmlSecErrorScope* outer_;
  std::vector<std::pair<int, std::string>> reports_;
};

// The xmlsec error callback installed by DsigRuntime.
void xmlSecErrorToScope(const char* file, int line, const char* func, const char* object,
                        const char* subject, int reason, const char* msg);

// Reads a whole file; errc::kConfig naming it when it cannot.
Result<std::string> readFile(const std::string& path);

// Refuses a private-key file that group or others may read (errc::kConfig, names file and mode).
Result<void> checkKeyFileMode(const std::string& path);

// Splits PEM text into its "-----BEGIN CERTIFICATE-----" blocks.
std::vector<std::string> certificateBlocks(const std::string& pem);

}  // namespace hub::dsig::internal
