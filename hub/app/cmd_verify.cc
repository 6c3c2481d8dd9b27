// ketenhub verify FILE --ca CA.pem: verifies a signed product the way a partner would.
#include <fstream>
#include <iostream>
#include <sstream>

#include "hub/app/commands.h"
#include "hub/app/exit_status.h"
#include "hub/dsig/verifier.h"

namespace hub::app {

int verifyMain(const std::string& file, const std::string& ca_file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail("cannot read " + file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto verifier = dsig::Verifier::create({ca_file});
  if (!verifier) return fail(verifier.error().message);
  auto r = (*verifier)->verify(ss.str());
  if (!r) return fail("signature invalid: " + r.error().message);
  std::cout << "signature valid: signer OIN " << r->oin << " (" << r->subject << ")\n";
  return 0;
}

}  // namespace hub::app
