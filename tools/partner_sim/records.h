#pragma once
// What the partner-sim writes and answers for an accepted delivery (pure formatting).
#include <chrono>
#include <string>

namespace hub::sim {

// One line of <out>/received.jsonl per accepted request (duplicates included).
struct ReceivedRecord {
  std::string delivery_id;  // X-Message-Id
  std::string product;
  std::string case_id;
  std::string event_type;
  bool verified = false;   // the XML-DSig was verified (false with --no-verify-signature)
  std::string signer_oin;  // serialNumber of the signing certificate ("" when not verified)
  std::string client_oin;  // serialNumber of the TLS client certificate
  std::string action;      // WUS: the request's wsa:Action ("" for rest-xml: not written)
  std::string time;        // ISO 8601 UTC, milliseconds
};

// {"delivery_id":...,"product":...,"case_id":...,"event_type":...,"verified":true,
//  "signer_oin":...,"client_oin":...,"time":...} followed by '\n'; WUS adds "action" before
//  "time".
std::string receivedJsonLine(const ReceivedRecord& r);

// The small XML receipt answered with 200.
std::string receiptXml(const ReceivedRecord& r, const std::string& partner);

// "2026-11-22T07:25:34.123Z"
std::string isoTimeUtc(std::chrono::system_clock::time_point t);

}  // namespace hub::sim
