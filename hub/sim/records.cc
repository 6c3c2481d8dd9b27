#include "hub/sim/records.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <ctime>

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

std::string isoTimeUtc(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace hub::sim
