#include "adapters/securemail/securemail_channel.h"

#include <utility>

#include "adapters/securemail/smtp_outcome.h"
#include "hub/core/error_codes.h"

namespace hub::securemail {
namespace {

constexpr const char* kChannel = "securemail";
constexpr const char* kMailFrom = "MAIL FROM";
constexpr const char* kRcptTo = "RCPT TO";

const std::string* header(const WireMessage& m, const char* name) {
  for (const auto& [k, v] : m.headers)
    if (k == name) return &v;
  return nullptr;
}

}  // namespace

Result<std::shared_ptr<const SecureMailRuntime>> makeSecureMailRuntime(
    const SecureMailHubOptions& hub, const SigningConfig& signing, const HubContact& contact,
    const std::string& hub_oin, int sessions) {
  if (auto p = addressProblem(hub.from))
    return unexpected(errc::kConfig, "securemail: from address " + *p);
  for (const std::string* s : {&contact.name, &contact.email, &contact.phone}) {
    if (s->empty() || !noControlChars(*s))
      return unexpected(errc::kConfig,
                        "securemail: the hub's contact name, email and phone are "
                        "needed in the mail body (hub.name, hub.contact.email, hub.contact.phone "
                        "in hub.yaml)");
  }
  auto signer = tls::SmimeSigner::create(signing.key, signing.certificate);
  if (!signer) return unexpected(signer.error());
  curl::SmtpClientConfig smtp;
  smtp.url = hub.url;
  smtp.tls = hub.tls;
  smtp.user = hub.user;
  smtp.password_file = hub.password_file;
  smtp.connect_timeout = hub.connect_timeout;
  smtp.request_timeout = hub.request_timeout;
  smtp.max_handles = sessions;
  auto client = curl::SmtpClient::create(smtp);
  if (!client) return unexpected(client.error());
  auto rt = std::make_shared<SecureMailRuntime>();
  rt->signer = std::move(*signer);
  rt->smtp = std::move(*client);
  rt->from = hub.from;
  rt->relay = hub.url;
  rt->contact = contact;
  rt->message_id_domain = !hub_oin.empty() ? hub_oin : hub.from.substr(hub.from.find('@') + 1);
  return std::shared_ptr<const SecureMailRuntime>(std::move(rt));
}

Result<std::unique_ptr<Channel>> SecureMailChannel::create(
    std::shared_ptr<const SecureMailRuntime> runtime, const SecureMailPartnerOptions& partner_opts,
    const PartnerConfig& partner) {
  if (!runtime) return unexpected(errc::kConfig, "securemail: no runtime");
  const std::string where = "partner '" + partner.code + "': securemail ";
  if (auto p = addressProblem(partner_opts.address))
    return unexpected(errc::kConfig, where + "address " + *p);
  for (const auto& [product, address] : partner_opts.products) {
    if (auto p = addressProblem(address))
      return unexpected(errc::kConfig, where + "products." + product + ".address " + *p);
  }
  return std::unique_ptr<Channel>(
      new SecureMailChannel(std::move(runtime), partner_opts, partner.code));
}

Result<std::unique_ptr<Channel>> SecureMailChannel::create(
    const SecureMailHubOptions& hub, const SecureMailPartnerOptions& partner_opts,
    const PartnerConfig& partner, const SigningConfig& signing, const HubContact& contact,
    const std::string& hub_oin) {
  auto rt = makeSecureMailRuntime(hub, signing, contact, hub_oin, 1);
  if (!rt) return unexpected(rt.error());
  return create(std::move(*rt), partner_opts, partner);
}

SecureMailChannel::SecureMailChannel(std::shared_ptr<const SecureMailRuntime> runtime,
                                     SecureMailPartnerOptions partner_opts, std::string partner)
    : rt_(std::move(runtime)),
      partner_opts_(std::move(partner_opts)),
      partner_(std::move(partner)) {}

Result<WireMessage> SecureMailChannel::prepare(const ChannelInput& in) const {
  MailFields f;
  f.from = rt_->from;
  f.to = partner_opts_.recipientFor(in.product);
  f.message_id_domain = rt_->message_id_domain;
  f.delivery_id = in.delivery_id;
  f.case_id = in.case_id;
  f.process_step = in.process_step;
  f.product = in.product;
  f.product_sha256 = in.product_sha256;
  f.now_ms = in.now_ms;
  f.contact = rt_->contact;
  const tls::SmimeSigner& signer = *rt_->signer;
  auto mail = buildMail(f, in.signed_product,
                        [&](std::string_view entity) { return signer.sign(entity, in.now_ms); });
  if (!mail) return unexpected(mail.error());
  WireMessage m;
  m.channel = kChannel;
  m.target = rt_->relay + " -> " + f.to;
  m.headers = {{kMailFrom, f.from}, {kRcptTo, f.to}};
  m.media_type = "message/rfc822";
  m.body = std::move(*mail);
  return m;
}

Outcome SecureMailChannel::send(const ChannelInput&, const WireMessage& msg) {
  const std::string* from = header(msg, kMailFrom);
  const std::string* to = header(msg, kRcptTo);
  if (msg.channel != kChannel || from == nullptr || to == nullptr || msg.body.empty() ||
      addressProblem(*from) || addressProblem(*to)) {
    return Outcome::permanent("securemail: message was not prepared by this channel");
  }
  return smtpOutcome(rt_->smtp->send(*from, {*to}, msg.body));
}

}  // namespace hub::securemail
