#include "hub/tls/expiry_registry.h"

#include <ctime>

namespace hub::tls {
namespace {

std::string utcDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

void ExpiryRegistry::record(const std::string& subject, const std::string& role,
                            int64_t not_after) {
  std::lock_guard lock(mu_);
  entries_[{subject, role}] = Entry{not_after, ++next_seq_};
  if (entries_.size() <= capacity_) return;
  auto oldest = entries_.begin();
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    if (it->second.seq < oldest->second.seq) oldest = it;
  entries_.erase(oldest);
}

std::vector<CertificateExpiry> ExpiryRegistry::snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<CertificateExpiry> out;
  out.reserve(entries_.size());
  for (const auto& [key, e] : entries_) out.push_back({key.first, key.second, e.not_after});
  return out;
}

ExpiryRegistry& seenServerCertificates() {
  static ExpiryRegistry registry;
  return registry;
}

std::vector<CertificateExpiry> expiringWithin(const std::vector<CertificateExpiry>& certs,
                                              int64_t now, int64_t within) {
  std::vector<CertificateExpiry> out;
  for (const auto& c : certs)
    if (c.not_after - now < within) out.push_back(c);
  return out;
}

std::string expiryWarning(const CertificateExpiry& cert, int64_t now) {
  const std::string who = "certificate " + cert.subject + " (role " + cert.role + ")";
  if (cert.not_after <= now) return who + " expired on " + utcDate(cert.not_after);
  const int64_t days = (cert.not_after - now) / 86400;
  return who + " expires in " + std::to_string(days) + (days == 1 ? " day" : " days") + " on " +
         utcDate(cert.not_after);
}

}  // namespace hub::tls
