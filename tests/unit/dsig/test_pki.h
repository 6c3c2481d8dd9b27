#pragma once
// A throwaway test PKI made with the openssl CLI in a temporary directory:
//   ca.pem/ca.key        test root CA
//   rsa.pem/rsa.key      RSA-2048 signing certificate, subject serialNumber=00000099000000000001
//   ec.pem/ec.key        ECDSA P-256 signing certificate
//   other-ca.pem         a second, untrusted CA, and other.pem/other.key issued by it
//   weak.pem/weak.key    RSA-1024 (refused by Signer)
// Key files are chmod 600.
#include <string>

namespace hub::dsig::testing {

class TestPki {
 public:
  // Creates the PKI once per process; returns its directory ("" when openssl failed).
  static const std::string& dir();
  static std::string path(const std::string& name) { return dir() + "/" + name; }
};

// A whole file's bytes ("" when it cannot be read).
std::string readText(const std::string& path);

// Runs a shell command, returns its exit status (stdout/stderr discarded).
int run(const std::string& command);

}  // namespace hub::dsig::testing
