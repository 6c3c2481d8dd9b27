#pragma once
// The secure-mail fallback channel: when a partner's HTTPS coupling is down, the signed
// XML product goes by mail, S/MIME signed, through the organisation's secure-mail gateway.
//
//   prepare(in)  pure: the complete signed mail (mail_builder.h + tls::SmimeSigner), no I/O.
//                WireMessage{channel "securemail", target "smtp://relay -> recipient",
//                headers MAIL FROM / RCPT TO, media_type message/rfc822, body = the exact bytes}
//   send(in, m)  one SMTP submission of m.body (curl::SmtpClient), classified by smtpOutcome().
//
// A header value from event data with CR/LF/control characters makes prepare() fail with
// errc::kInvalidInput; send() of a message that cannot be prepared is a permanent outcome. The
// signer and the SMTP client are shared by every partner's channel (SecureMailRuntime, made once).
// Thread-safe: prepare() and send() may run on several worker threads at once.
#include <memory>
#include <string>

#include "adapters/securemail/mail_builder.h"
#include "adapters/securemail/securemail_options.h"
#include "hub/config/config.h"
#include "hub/curl/smtp_client.h"
#include "hub/pipeline/channel.h"
#include "hub/tls/smime.h"

namespace hub::securemail {

// Hub-wide state of the channel: one signer, one SMTP session pool. Made once per config.
struct SecureMailRuntime {
  std::shared_ptr<const tls::SmimeSigner> signer;
  std::shared_ptr<curl::SmtpClient> smtp;
  std::string from;
  std::string relay;  // the configured URL, for WireMessage::target
  HubContact contact;
  std::string message_id_domain;  // hub OIN, else the domain of `from`
};

// Validates the options, reads the signing key and certificate (key mode 0600) and the SMTP
// password once. sessions: SMTP sessions open at once (the channel's concurrency).
Result<std::shared_ptr<const SecureMailRuntime>> makeSecureMailRuntime(
    const SecureMailHubOptions& hub, const SigningConfig& signing, const HubContact& contact,
    const std::string& hub_oin, int sessions);

class SecureMailChannel : public Channel {
 public:
  // Per partner, sharing one runtime.
  static Result<std::unique_ptr<Channel>> create(std::shared_ptr<const SecureMailRuntime> runtime,
                                                 const SecureMailPartnerOptions& partner_opts,
                                                 const PartnerConfig& partner);
  // Convenience: a runtime of its own (tests, one-partner tools).
  static Result<std::unique_ptr<Channel>> create(const SecureMailHubOptions& hub,
                                                 const SecureMailPartnerOptions& partner_opts,
                                                 const PartnerConfig& partner,
                                                 const SigningConfig& signing,
                                                 const HubContact& contact,
                                                 const std::string& hub_oin = "");

  Result<WireMessage> prepare(const ChannelInput& in) const override;
  Outcome send(const ChannelInput& in, const WireMessage& msg) override;

 private:
  SecureMailChannel(std::shared_ptr<const SecureMailRuntime> runtime,
                    SecureMailPartnerOptions partner_opts, std::string partner);
  const std::shared_ptr<const SecureMailRuntime> rt_;
  const SecureMailPartnerOptions partner_opts_;
  const std::string partner_;
};

}  // namespace hub::securemail
