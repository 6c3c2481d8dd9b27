#include "tests/unit/dsig/test_pki.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace hub::dsig::testing {
namespace {

std::string makePki() {
  char tmpl[] = "/tmp/ketenhub-dsig-pki-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return {};
  const std::string dir = tmpl;
  std::ofstream(dir + "/leaf.ext") << "basicConstraints=CA:FALSE\n"
                                      "keyUsage=critical,digitalSignature,nonRepudiation\n";
  const std::string ca_ext =
      " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign";
  auto ca = [&](const std::string& name, const std::string& cn) {
    return "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + name + ".key -out " + name +
           ".pem -days 3650 -subj '/C=NL/O=Ketenhub Test/CN=" + cn + "'" + ca_ext;
  };
  auto leaf = [&](const std::string& name, const std::string& newkey, const std::string& subj,
                  const std::string& issuer) {
    return "openssl req -new -newkey " + newkey + " -nodes -keyout " + name + ".key -out " + name +
           ".csr -subj '" + subj + "' && openssl x509 -req -in " + name + ".csr -CA " + issuer +
           ".pem -CAkey " + issuer + ".key -CAcreateserial -days 365 -sha256 -out " + name +
           ".pem -extfile leaf.ext";
  };
  const std::string script =
      "set -e; cd " + dir + "; " + ca("ca", "Ketenhub Test Root") + "; " +
      ca("other-ca", "Some Other Root") + "; " +
      leaf("rsa", "rsa:2048",
           "/C=NL/O=Gemeente Test/serialNumber=00000099000000000001/CN=ketenhub signing", "ca") +
      "; " +
      leaf("ec", "ec -pkeyopt ec_paramgen_curve:P-256",
           "/C=NL/O=Gemeente Test/serialNumber=00000099000000000002/CN=ketenhub ec", "ca") +
      "; " + leaf("other", "rsa:2048", "/C=NL/O=Elsewhere/CN=not trusted", "other-ca") + "; " +
      leaf("weak", "rsa:1024", "/C=NL/O=Gemeente Test/CN=weak", "ca") + "; chmod 600 *.key";
  static std::string to_remove;
  to_remove = dir;
  std::atexit([] { run("rm -rf '" + to_remove + "'"); });
  if (run(script) != 0) return {};
  return dir;
}

}  // namespace

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int run(const std::string& command) {
  const int status = std::system(("( " + command + " ) >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const std::string& TestPki::dir() {
  static const std::string kDir = makePki();
  return kDir;
}

}  // namespace hub::dsig::testing
