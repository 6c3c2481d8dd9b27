// PartnerSim in digikoppeling-wus mode (profile 2W-be): check the envelope (wus_check.h), then the
// body child as rest-xml checks a document, store it, answer a SOAP response whose wsa:RelatesTo
// is the request's wsa:MessageID and whose wsa:Action is the product's response action, or a SOAP
// fault.
#include "hub/core/error_codes.h"
#include "hub/log/log.h"
#include "tools/partner_sim/partner_sim.h"
#include "tools/partner_sim/wus_check.h"

namespace hub::sim {
namespace {

// A RelatesTo that never matches a delivery (--bad-relates-to).
constexpr std::string_view kWrongRelatesTo = "urn:uuid:00000000-0000-4000-8000-000000000000";

std::string withoutDeclaration(std::string xml) {
  if (xml.rfind("<?xml", 0) == 0) {
    size_t end = xml.find("?>");
    if (end != std::string::npos) xml.erase(0, end + 2);
  }
  while (!xml.empty() && (xml.front() == '\n' || xml.front() == '\r')) xml.erase(0, 1);
  while (!xml.empty() && (xml.back() == '\n' || xml.back() == '\r')) xml.pop_back();
  return xml;
}

}  // namespace

std::string PartnerSim::newMessageId() const {
  if (!deps_.random01) return "urn:uuid:" + uuidV4From(0.25, 0.5, 0.75);
  return "urn:uuid:" + uuidV4From(deps_.random01(), deps_.random01(), deps_.random01());
}

SimResponse PartnerSim::handleWus(const SimRequest& request, const PeerInfo& peer) {
  auto wus = checkWusRequest(request, partner_, wus_actions_);
  const std::string reply_id = newMessageId();
  if (faults_.soap_fault != SoapFault::kNone) {
    const bool server = faults_.soap_fault == SoapFault::kServer;
    const std::string relates = wus ? wus->message_id : wusRequestMessageId(request.body);
    hub::log::info("SOAP fault injected", {{"fault", server ? "Server" : "Client"}});
    return server ? wusFaultResponse(true, kDkTimeout,
                                     "injected fault: antwoordend systeem geeft time-out", relates,
                                     reply_id)
                  : wusFaultResponse(false, kDkProcessing,
                                     "injected fault: proces voor afhandelen bericht geeft fout",
                                     relates, reply_id);
  }
  if (!wus) {
    hub::log::warn("delivery rejected",
                   {{"fault", wus.error().code}, {"reason", redactQuoted(wus.error().message)}});
    return wusFaultResponse(false, wus.error().code, wus.error().message,
                            wusRequestMessageId(request.body), reply_id);
  }
  DeliveryHeaders headers;
  headers.message_id = wus->delivery_id;
  headers.product = wus->product;
  CheckedBody checked;
  if (deps_.checker != nullptr) {
    auto c = deps_.checker->check(wus->document, headers);
    if (!c && c.error().code == errc::kConfig) {
      // Our own set-up is broken (e.g. an XSD that does not compile): not the sender's fault.
      hub::log::error("cannot check delivery", {{"delivery_id", wus->delivery_id},
                                                {"reason", redactQuoted(c.error().message)}});
      return wusFaultResponse(true, kDkTimeout, c.error().message, wus->message_id, reply_id);
    }
    if (!c) {
      const char* code = c.error().code == errc::kProductSchema ? kDkSchema : kWusSignature;
      hub::log::warn("delivery rejected", {{"delivery_id", wus->delivery_id},
                                           {"fault", code},
                                           {"reason", redactQuoted(c.error().message)}});
      return wusFaultResponse(false, code, c.error().message, wus->message_id, reply_id);
    }
    checked = std::move(*c);
  }
  ReceivedRecord record;
  record.delivery_id = wus->delivery_id;
  record.product = wus->product;
  record.verified = checked.verified;
  record.signer_oin = checked.signer_oin;
  record.client_oin = peer.oin;
  record.action = wus->action;
  if (auto k = keepAccepted(record, wus->document, "digikoppeling-wus", request.body.size()); !k)
    return wusFaultResponse(true, kDkTimeout, k.error().message, wus->message_id, reply_id);
  const std::string relates =
      faults_.bad_relates_to ? std::string(kWrongRelatesTo) : wus->message_id;
  std::string action = wusResponseAction(wus_actions_, *wus);
  if (faults_.bad_action) {
    hub::log::info("wrong response action injected", {{"delivery_id", wus->delivery_id}});
    action = kWusWrongAction;
  }
  return wusResponse(action, relates, reply_id, withoutDeclaration(receiptXml(record, partner_)));
}

}  // namespace hub::sim
