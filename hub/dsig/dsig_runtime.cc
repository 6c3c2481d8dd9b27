#include "hub/dsig/dsig_runtime.h"

#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/xmlsec.h>

#include "hub/dsig/xmlsec_support.h"

namespace hub::dsig {

DsigRuntime::DsigRuntime() {
  if (xmlSecInit() < 0) {
    error_ = "xmlSecInit failed";
    return;
  }
  stage_ = 1;
  if (xmlSecCheckVersion() != 1) {
    error_ = "xmlsec library version is not compatible with the headers";
    return;
  }
  if (xmlSecCryptoAppInit(nullptr) < 0) {
    error_ = "xmlSecCryptoAppInit failed";
    return;
  }
  stage_ = 2;
  if (xmlSecCryptoInit() < 0) {
    error_ = "xmlSecCryptoInit failed";
    return;
  }
  stage_ = 3;
  // Last: the init steps above reset the callback to xmlsec's stderr printer.
  xmlSecErrorsDefaultCallbackEnableOutput(0);
  xmlSecErrorsSetCallback(internal::xmlSecErrorToScope);
  ok_ = true;
}

DsigRuntime::~DsigRuntime() {
  if (stage_ >= 3) xmlSecCryptoShutdown();
  if (stage_ >= 2) xmlSecCryptoAppShutdown();
  if (stage_ >= 1) xmlSecShutdown();
}

}  // namespace hub::dsig
