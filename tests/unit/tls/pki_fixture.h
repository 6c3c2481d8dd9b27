#pragma once
// Generates the test PKI once per test binary (deploy/pki/make-test-pki.sh) into a temp dir.
#include <string>

namespace hub::tls::testing {

// Directory with ca.crt, hub-sign.{crt,key}, partner-om.{crt,key}, ...; aborts the test binary
// if the script fails.
const std::string& pkiDir();
// Runs a shell command, returns its stdout (trailing newline stripped); empty on failure.
std::string shell(const std::string& command);

}  // namespace hub::tls::testing
