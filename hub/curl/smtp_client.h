#pragma once
// SMTP submission through libcurl, for the secure-mail fallback channel.
//
// Never in clear text: smtp://host:port with mandatory STARTTLS (CURLUSESSL_ALL: a server that
// offers no STARTTLS gets no MAIL FROM) or smtps://host:port (TLS from the first byte). The
// server certificate and host name are verified against the configured CA files only
// (CURLOPT_CAINFO_BLOB; never the system store); the NCSC profile (hub/tls/tls_profile.h) is
// applied to every SSL_CTX; optional client certificate; AUTH with a user and a password read
// once from a file at create() (never logged); connect and total timeouts; never a proxy named by
// the environment.
//
// Thread-safety: send() may be called from any number of threads. The client keeps a pool of at
// most `max_handles` easy handles (LIFO). Why a pool rather than a handle per call: each handle
// keeps its SMTP session open (connection cache of one), so the next mail on it skips the TCP
// connect, the STARTTLS handshake, EHLO and AUTH (a new MAIL FROM on the same session); a handle
// per call would pay all of that for every mail. Destroy the client only when no send() runs.
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/curl/handle_pool.h"

namespace hub::curl {

struct SmtpClientConfig {
  std::string url;            // smtp://host[:port] (STARTTLS) or smtps://host[:port]
  TlsConfig tls;              // profile, ca_files (required), client_cert + client_key (optional)
  std::string user;           // empty: no AUTH
  std::string password_file;  // with user: one line, read once
  Millis connect_timeout{10000};
  Millis request_timeout{60000};
  int max_handles = 4;  // sessions open at once
};

// What happened to one submission, with no address or content in it.
enum class SmtpTransport {
  kNone,        // the SMTP dialogue ran; see smtp_code
  kDns,         // host name not resolved
  kConnect,     // TCP connect failed or refused
  kTimeout,     // connect or total timeout
  kNoStartTls,  // smtp:// server did not offer STARTTLS (or refused it): nothing was sent
  kTls,         // handshake failed, certificate or host name not verified
  kLogin,       // AUTH refused (smtp_code says how)
  kSend,        // connection lost while sending
  kReceive,     // connection lost while reading a reply
  kOther,
};

struct SmtpResult {
  int curl_code = 0;  // CURLcode
  int smtp_code = 0;  // last SMTP reply code (CURLINFO_RESPONSE_CODE), 0 when none
  SmtpTransport transport = SmtpTransport::kNone;
  std::string detail;  // short, from curl's error buffer; never addresses or content
  bool ok() const { return curl_code == 0; }
};

const char* transportName(SmtpTransport t);

class SmtpClient {
 public:
  static Result<std::unique_ptr<SmtpClient>> create(const SmtpClientConfig& cfg);
  ~SmtpClient();
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  // One submission: MAIL FROM:<mail_from>, RCPT TO:<each>, DATA message (CRLF line ends; the
  // dot-stuffing is done by libcurl). Never throws.
  SmtpResult send(const std::string& mail_from, const std::vector<std::string>& rcpt_to,
                  std::string_view message);

  const std::string& url() const { return url_; }
  // New connections opened so far (sum of CURLINFO_NUM_CONNECTS), for tests and metrics.
  uint64_t connectionsOpened() const;

  struct Settings;  // validated, immutable (defined in the .cc)
  struct Handle;    // one curl easy handle and its per-call state (defined in the .cc)

 private:
  explicit SmtpClient(std::unique_ptr<const Settings> settings);
  Result<std::unique_ptr<Handle>> newHandle() const;

  const std::unique_ptr<const Settings> settings_;
  const std::string url_;
  HandlePool<Handle> pool_;  // LIFO, at most the concurrency; thread-safe
};

}  // namespace hub::curl
