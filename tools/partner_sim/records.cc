#include "tools/partner_sim/records.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <ctime>

#include "hub/core/time_format.h"
#include "hub/xml/escape.h"

namespace hub::sim {
namespace {}  // namespace

std::string receivedJsonLine(const ReceivedRecord& r) {
  boost::json::object o;
  o["delivery_id"] = r.delivery_id;
  o["product"] = r.product;
  o["case_id"] = r.case_id;
  o["event_type"] = r.event_type;
  o["verified"] = r.verified;
  o["signer_oin"] = r.signer_oin;
  o["client_oin"] = r.client_oin;
  if (!r.action.empty()) o["action"] = r.action;
  o["time"] = r.time;
  return boost::json::serialize(o) + "\n";
}

std::string receiptXml(const ReceivedRecord& r, const std::string& partner) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<receipt xmlns=\"urn:ketenhub:partner-sim:1\">"
         "<deliveryId>" +
         xml::xmlText(r.delivery_id) +
         "</deliveryId>"
         "<partner>" +
         xml::xmlText(partner) +
         "</partner>"
         "<product>" +
         xml::xmlText(r.product) +
         "</product>"
         "<verified>" +
         (r.verified ? "true" : "false") +
         "</verified>"
         "<received>" +
         xml::xmlText(r.time) +
         "</received>"
         "</receipt>\n";
}

std::string isoTimeUtc(std::chrono::system_clock::time_point t) { return formatRfc3339Utc(t); }

}  // namespace hub::sim
