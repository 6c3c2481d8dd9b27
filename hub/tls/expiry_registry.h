#pragma once
// Certificate expiry as operators see it: the hub's own certificates (from the configuration)
// and every partner server certificate seen in a TLS handshake, for the metric
// ketenhub_certificate_expiry_seconds{subject,role} and the "expires within 30 days" warnings.
//
// Contract:
// - ExpiryRegistry keeps at most `capacity` (subject, role) entries; recording an entry again
//   updates its notAfter and makes it the most recent; past the capacity the entry recorded
//   least recently is dropped (a partner rotating certificates cannot grow it without bound).
//   Thread-safe (one mutex; called once per new TLS connection, not per request).
// - seenServerCertificates() is the process's registry of partner server certificates (role
//   "partner_server"), filled by the handshake's verify callback (hub/curl/peer_identity).
// - expiringWithin/expiryWarning are pure: times in unix seconds, `now` passed in.
// Subjects are certificate subject DNs of organisations and servers: no personal data.
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace hub::tls {

inline constexpr int64_t kExpiryWarningSeconds = 30 * 86400;

struct CertificateExpiry {
  std::string subject;  // subject DN, "CN=..., O=..., serialNumber=..."
  std::string role;     // signing | client | server | ca | partner_server
  int64_t not_after = 0;
};

class ExpiryRegistry {
 public:
  explicit ExpiryRegistry(size_t capacity = 256) : capacity_(capacity) {}
  void record(const std::string& subject, const std::string& role, int64_t not_after);
  std::vector<CertificateExpiry> snapshot() const;  // ordered by (subject, role)

 private:
  struct Entry {
    int64_t not_after = 0;
    uint64_t seq = 0;  // recency
  };
  const size_t capacity_;
  mutable std::mutex mu_;
  uint64_t next_seq_ = 0;
  std::map<std::pair<std::string, std::string>, Entry> entries_;
};

ExpiryRegistry& seenServerCertificates();

// The certificates that expire within `within` seconds of `now` (or already expired).
std::vector<CertificateExpiry> expiringWithin(const std::vector<CertificateExpiry>& certs,
                                              int64_t now, int64_t within);
// "certificate <subject> (role <role>) expires in N days on YYYY-MM-DD" / "... expired on ...".
std::string expiryWarning(const CertificateExpiry& cert, int64_t now);

}  // namespace hub::tls
