#pragma once
// The partner-sim's BodyChecker: parse as untrusted XML, verify the XML-DSig (hub::dsig::Verifier,
// trusted CAs from --verify-ca), validate against <schemas>/<partner>/<X-Product>.xsd. Schemas are
// loaded on first use and cached (read-only, shared between connection threads).
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "tools/partner_sim/partner_sim.h"

namespace hub::dsig {
class Verifier;
}
namespace hub::xml {
class Schema;
}

namespace hub::sim {

struct ContentCheckOptions {
  std::string partner;
  std::string verify_ca_path;  // "" = do not verify signatures
  std::string schemas_dir;     // "" = do not validate
  size_t max_bytes = 16u << 20;
};

class ContentChecker final : public BodyChecker {
 public:
  // Loads the trust anchors for signatures (a config error if they cannot be loaded).
  static Result<std::unique_ptr<ContentChecker>> create(const ContentCheckOptions& options);

  Result<CheckedBody> check(std::string_view body, const DeliveryHeaders& headers) const override;
  bool needsProduct() const override { return !options_.schemas_dir.empty(); }

 private:
  ContentChecker(ContentCheckOptions options, std::shared_ptr<const dsig::Verifier> verifier);
  Result<std::shared_ptr<const xml::Schema>> schemaFor(const std::string& product) const;

  const ContentCheckOptions options_;
  const std::shared_ptr<const dsig::Verifier> verifier_;  // null: signatures not verified
  mutable std::mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const xml::Schema>> schemas_;  // Guarded by mu_
};

}  // namespace hub::sim
