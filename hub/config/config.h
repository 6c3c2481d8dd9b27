#pragma once
// Immutable configuration structs. Loaded once by loader.h, shared as
// std::shared_ptr<const HubConfig>, swapped atomically on reload. All paths are absolute after
// load.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hub {

using Millis = std::chrono::milliseconds;

// Options of one channel, read and validated by the channel's own schema (adapters/<channel>/):
// hub-wide (`channels.<name>` in hub.yaml) or per partner (`<name>:` in routes/partners.yaml).
// Each channel downcasts to its own type; the loader never looks inside.
struct ChannelOptions {
  virtual ~ChannelOptions() = default;
};
using ChannelOptionsConstSharedPtr = std::shared_ptr<const ChannelOptions>;

struct TlsConfig {
  std::string profile = "ncsc-sufficient";  // or "ncsc-good"
  std::vector<std::string> ca_files;        // trust anchors (several at once)
  std::string client_cert;                  // PEM, optional
  std::string client_key;                   // PEM, optional (mode 0600)
  std::vector<std::string> spki_pins;       // base64 SHA-256 of the SPKI, optional
  std::string expected_oin;                 // server cert subject:serialNumber, optional
  // Revocation (partner couplings): CRL files (absolute paths) and http(s) distribution points;
  // empty: no revocation check. Refreshed at least every crl_refresh (at most 4 h).
  std::vector<std::string> crl;
  Millis crl_refresh{4 * 3600 * 1000};
  bool crl_whole_chain = false;  // tls.crl_check: chain (every CA of the chain) instead of leaf
};

struct BreakerConfig {
  int failure_threshold = 5;  // consecutive failures that open the circuit
  Millis open_for{30000};     // how long it stays open before a half-open probe
};

// A chain partner: what the engine needs (its coupling's concurrency cap and circuit breaker)
// and, by channel name, the options each channel read with its own schema: the coupling's
// (channel_options[adapter]: endpoint, TLS, timeouts) and those of the fallback channels the
// partner is configured for (the secure-mail recipients, the postal address); a channel without
// an entry is not configured for the partner.
struct PartnerConfig {
  std::string code;     // "om", "igj", ...
  std::string name;     // "Openbaar Ministerie"
  std::string adapter;  // the coupling's channel: "rest-xml" | "digikoppeling-wus"
  int concurrency = 4;
  BreakerConfig breaker;
  std::string source;  // file:line where defined
  std::map<std::string, ChannelOptionsConstSharedPtr> channel_options;
};

struct RetryPolicy {
  Millis initial{1000};
  double factor = 2.0;
  Millis max{300000};
};

// A condition on an event field, addressed as an element path in the event's XML form
// (e.g. /betrokkene/toestemmingPvp), or (kDeliveredBefore) on the case's own history: an earlier
// event of the same case (zaaknummer) planned a delivery of `partner`/`product`. That one is
// decided by the store when the event is committed. All conditions of a delivery must hold.
struct Condition {
  enum class Op { kEquals, kNotEquals, kPresent, kAbsent, kDeliveredBefore };
  std::string field;  // "/a/b" below the root element <event>; empty for kDeliveredBefore
  Op op = Op::kPresent;
  std::string value;                 // for kEquals / kNotEquals
  std::string source;                // file:line
  std::string partner{}, product{};  // for kDeliveredBefore
};

// The legal deadline of a product, counted from a moment in the event:
//   {from: F, after: D}                    D after F (with a zone: D whole calendar days there)
//   {from: F, until: end_of_day, zone: Z}  the end of F's calendar day in Z (the next midnight)
//   {at: F}                                the value of F itself (counted from intake)
// With a zone, F may also be a date (YYYY-MM-DD): its first moment (local midnight) in the zone.
struct LegalDeadline {
  std::string from_field;  // e.g. /besluit/datumTijd (with `after` or `until`)
  Millis after{0};
  std::string at_field;     // e.g. /besluit/geldigTot
  bool end_of_day = false;  // until: end_of_day
  std::string zone{};       // e.g. Europe/Amsterdam (hub/core/zone_time.h); empty: none
  bool fixed() const { return !from_field.empty(); }
};

struct DeliveryRule {
  std::string partner;
  std::string product;
  RetryPolicy retry;
  Millis deadline{1800000};
  std::vector<std::string> fallback;  // channel names, in order
  std::vector<Condition> when;        // empty: always
  std::string process_step;  // human name of the step (mail subject); default from the product
  std::optional<LegalDeadline> legal_deadline;
  std::string source;  // file:line
};

struct Route {
  std::string event_type;
  // documents.required: the kinds of document (documenten[].soort) the law says must travel
  // with this event; without one the event is quarantined, naming it.
  std::vector<std::string> required_documents;
  std::vector<DeliveryRule> deliveries;
  std::string source;  // file:line
};

struct ListenSource {
  std::string name;
  std::string url;                           // amqp://127.0.0.1:5672 or amqps://
  std::string address;                       // link target, e.g. wvggz.events
  std::string tls_cert, tls_key, tls_ca;     // optional (amqps)
  std::vector<std::string> sasl_mechanisms;  // e.g. ANONYMOUS, PLAIN, EXTERNAL
};

struct ConnectSource {
  std::string name;
  std::vector<std::string> urls;  // first is primary, the rest failover
  std::string address;            // e.g. /amq/queue/ketenhub.events
  std::string user;
  std::string password_file;  // never the password itself in hub.yaml
  std::string tls_ca, tls_cert, tls_key;
  Millis reconnect_initial{500};
  Millis reconnect_max{30000};
};

struct IntakeConfig {
  std::vector<ListenSource> listen;
  std::vector<ConnectSource> connect;
  uint64_t max_message_bytes = 4 * 1024 * 1024;
  int max_json_depth = 64;
  int max_elements = 10000;  // XML elements of one event's XML form (bounded while converting)
  int credit_window = 200;
};

struct StoreConfig {
  std::string sqlite_path;  // the embedded default; empty when postgres is used
  // PostgreSQL instead (several instances sharing one store): a libpq connection string without
  // the password, and the file holding it.
  std::string postgres_conninfo;
  std::string postgres_password_file;
  int lease_seconds = 15;  // PostgreSQL: how long a claim holds without its instance renewing it
  int group_commit_max = 512;  // max operations per transaction
  int max_size_mb = 0;         // cap on the database file (0 = none): past it, intake stops
  int payload_days = 30;       // retention.payload_days: payloads kept past their end (days)
};

// The audit trail: append-only, hash-chained day files (audit-YYYY-MM-DD.jsonl) in `dir`.
struct AuditConfig {
  std::string dir;            // default: "audit" next to the store file
  std::string key_file;       // key of the person hash (HMAC-SHA256 of the BSN); default: next to
                              // the store file, created (0600, 32 random bytes) when missing
  std::string instance;       // this hub instance in every record; default: the host name
  int retention_days = 1825;  // retention.audit_days: day files older than this are removed
};

struct SigningConfig {
  std::string key;          // PEM private key (mode 0600)
  std::string certificate;  // PEM certificate (chain)
};

struct AdminConfig {
  std::string listen = "127.0.0.1:8081";
  std::string tokens_file;        // bearer tokens, hashed (hub/admin/tokens.h); none: read-only API
  std::string tls_cert, tls_key;  // optional TLS
  std::string tls_client_ca;      // with TLS: require a client certificate from this CA
};

struct ChannelConfig {
  std::string name;     // securemail | print
  Millis deadline{0};   // how long the channel may take before the next one
  RetryPolicy retry;    // its own retry policy
  int concurrency = 4;  // attempts on this channel in flight at once (all partners together)
  ChannelOptionsConstSharedPtr options;  // hub-wide options (SMTP relay, print spool, ...)
};

struct EngineConfig {
  int workers = 0;                  // threads for exchanges that block; 0 = 8 per core, max 64
  int build_workers = 0;            // threads that build products (CPU); 0 = number of cores
  RetryPolicy retry;                // default retry policy
  Millis deadline_crisis{1800000};  // default operational deadline, crisis measures and IBS
  Millis deadline_other{14400000};  // default operational deadline, others
  std::map<std::string, ChannelConfig> channels;  // fallback channels and their deadlines
};

// Status notifications and dead letters (both optional): one AMQP peer or broker, with at-least-
// once publishing from the store's outbox.
struct NotifyConfig {
  std::vector<std::string> urls;    // amqp:// or amqps://; the first is primary, the rest failover
  std::string address;              // notify.address: one message per channel switch / final state
  std::string dead_letter_address;  // dead_letter.address: one message per dead delivery
  std::string user, password_file;
  std::string tls_ca, tls_cert, tls_key;
  Millis reconnect_initial{500};  // backoff after losing the peer: doubles up to reconnect_max
  Millis reconnect_max{30000};
  bool enabled() const { return !address.empty() || !dead_letter_address.empty(); }
};

struct HubIdentity {
  std::string name;
  std::string oin;  // 20 digits
  std::string contact_email;
  std::string contact_phone;
};

// log.level: the lowest level written (debug, info, warn, error); `run --log-level` overrides it.
struct LogConfig {
  std::string level = "info";
};

struct HubConfig {
  std::string config_file;  // absolute path of hub.yaml
  std::string base_dir;     // directory of hub.yaml
  HubIdentity hub;
  LogConfig log;
  IntakeConfig intake;
  StoreConfig store;
  AuditConfig audit;
  SigningConfig signing;
  AdminConfig admin;
  EngineConfig engine;
  NotifyConfig notify;
  std::string routes_dir, mappings_dir, schemas_dir;
  std::map<std::string, PartnerConfig> partners;
  std::vector<Route> routes;
  // Where each text value was written, by key path ("signing.key" -> "hub.yaml:27:8"; list items
  // as "partners.om.tls.ca[0]"): checks made after loading (a file a key names is missing) point
  // at the key that named it.
  std::map<std::string, std::string> sources;

  const Route* findRoute(const std::string& event_type) const {
    for (const auto& r : routes)
      if (r.event_type == event_type) return &r;
    return nullptr;
  }
};

using HubConfigConstSharedPtr = std::shared_ptr<const HubConfig>;

}  // namespace hub
