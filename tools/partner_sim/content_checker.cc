#include "tools/partner_sim/content_checker.h"

#include <filesystem>

#include "hub/core/error_codes.h"
#include "hub/dsig/verifier.h"
#include "hub/xml/document.h"
#include "hub/xml/schema.h"

namespace hub::sim {

Result<std::unique_ptr<ContentChecker>> ContentChecker::create(const ContentCheckOptions& options) {
  std::shared_ptr<const dsig::Verifier> verifier;
  if (!options.verify_ca_path.empty()) {
    auto v = dsig::Verifier::create({options.verify_ca_path});
    if (!v) {
      return unexpected(errc::kConfig, "cannot load signature trust anchors " +
                                           options.verify_ca_path + ": " + v.error().message);
    }
    verifier = std::move(*v);
  }
  return std::unique_ptr<ContentChecker>(new ContentChecker(options, std::move(verifier)));
}

ContentChecker::ContentChecker(ContentCheckOptions options,
                               std::shared_ptr<const dsig::Verifier> verifier)
    : options_(std::move(options)), verifier_(std::move(verifier)) {}

Result<CheckedBody> ContentChecker::check(std::string_view body,
                                          const DeliveryHeaders& headers) const {
  CheckedBody checked;
  if (!verifier_ && options_.schemas_dir.empty()) {
    // Nothing below needs the tree: check the bytes as the other checks would parse them.
    if (auto wf = xml::Document::checkWellFormed(body, options_.max_bytes); !wf)
      return unexpected(wf.error().code, "xml: " + wf.error().message);
    return checked;
  }
  auto doc = xml::Document::parseUntrusted(body, options_.max_bytes);
  if (!doc) return unexpected(doc.error().code, "xml: " + doc.error().message);
  if (verifier_) {
    auto info = verifier_->verify(body);
    if (!info) return unexpected(errc::kVerify, "signature: " + info.error().message);
    checked.verified = true;
    checked.signer_oin = info->oin;
  }
  if (!options_.schemas_dir.empty()) {
    auto schema = schemaFor(headers.product);
    if (!schema) return unexpected(schema.error());
    if (auto v = (*schema)->validate(*doc); !v) {
      return unexpected(errc::kProductSchema, "schema: " + v.error().message);
    }
  }
  return checked;
}

Result<std::shared_ptr<const xml::Schema>> ContentChecker::schemaFor(
    const std::string& product) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = schemas_.find(product); it != schemas_.end()) return it->second;
  }
  // product is a safe name (checkRestXmlHeaders): it cannot leave the partner's directory.
  std::string path = options_.schemas_dir + "/" + options_.partner + "/" + product + ".xsd";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return unexpected(errc::kProductSchema,
                      "schema: no schema for product '" + product + "' (" + path + ")");
  }
  // Loaded outside the lock: two threads may compile the same schema once each; the first wins.
  auto loaded = xml::Schema::load(path);
  if (!loaded) return unexpected(errc::kConfig, "schema: " + loaded.error().message);
  std::lock_guard<std::mutex> lock(mu_);
  return schemas_.emplace(product, std::move(*loaded)).first->second;
}

}  // namespace hub::sim
