#include "hub/engine/product_builder.h"

#include <ctime>

#include "hub/core/error_codes.h"
#include "hub/xml/document.h"

namespace hub::engine {

Result<BuiltProduct> buildProduct(const Runtime& rt, const ProductInput& in, bool keep_unsigned) {
  const ProductArtifacts* art = rt.product(in.partner, in.product);
  if (!art)
    return unexpected(errc::kMapping, "no mapping loaded for " + in.partner + "/" + in.product);
  auto event = xml::Document::parseTrusted(in.event_xml);
  if (!event) return unexpected(event.error());
  const auto& partner = rt.cfg->partners.at(in.partner);
  std::vector<std::pair<std::string, std::string>> params = {
      {"message-id", in.message_id},   {"case-id", in.case_id},
      {"event-type", in.event_type},   {"actor", in.actor},
      {"delivery-id", in.delivery_id}, {"sent-at", in.sent_at},
      {"sender-oin", rt.cfg->hub.oin}, {"sender-name", rt.cfg->hub.name},
      {"receiver", partner.name},
  };
  auto mapped = art->stylesheet->apply(*event, params);
  if (!mapped)
    return unexpected(errc::kMapping,
                      in.partner + "/" + in.product + ": " + mapped.error().message);
  if (auto v = art->schema->validate(*mapped); !v)
    return unexpected(errc::kProductSchema,
                      "schemas/" + in.partner + "/" + in.product + ".xsd: " + v.error().message);
  BuiltProduct out;
  if (keep_unsigned) out.unsigned_xml = mapped->serialize();
  auto signed_xml = rt.signer->sign(*mapped);
  if (!signed_xml) return unexpected(errc::kSigning, signed_xml.error().message);
  out.signed_xml = std::move(*signed_xml);
  return out;
}

}  // namespace hub::engine
