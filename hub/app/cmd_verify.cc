// ketenhub verify FILE [--ca CA.pem]...: verifies a signed product the way a partner would.
#include <fstream>
#include <iostream>
#include <sstream>

#include "hub/app/args.h"
#include "hub/dsig/verifier.h"

namespace hub::app {

int verifyMain(const Args& args) {
  ArgParser p(args, {"--ca"}, {});
  if (!p.ok()) return usage(p.error());
  if (p.positionals().size() != 1) return usage("verify needs exactly one FILE");
  auto ca = p.get("--ca");
  if (!ca) return usage("verify needs --ca CA.pem: the trust anchor the partner uses");
  std::ifstream in(p.positionals()[0], std::ios::binary);
  if (!in) return fail("cannot read " + p.positionals()[0]);
  std::stringstream ss;
  ss << in.rdbuf();
  auto verifier = dsig::Verifier::create({*ca});
  if (!verifier) return fail(verifier.error().message);
  auto r = (*verifier)->verify(ss.str());
  if (!r) return fail("signature invalid: " + r.error().message);
  std::cout << "signature valid: signer OIN " << r->oin << " (" << r->subject << ")\n";
  return 0;
}

}  // namespace hub::app
