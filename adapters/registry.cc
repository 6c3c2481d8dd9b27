#include "adapters/registry.h"

#include <string>

#include "adapters/digikoppeling_wus/wus_adapter.h"
#include "adapters/https_coupling/coupling_options.h"
#include "adapters/print/print_channel.h"
#include "adapters/print/print_options.h"
#include "adapters/rest_xml/rest_xml_adapter.h"
#include "adapters/securemail/securemail_channel.h"
#include "adapters/securemail/securemail_options.h"
#include "hub/core/error_codes.h"

namespace hub::adapters {
namespace {

// The options a fallback channel's factory needs, downcast from what its schema read.
template <class Hub, class Partner>
Result<std::pair<const Hub*, const Partner*>> fallbackOptions(const ChannelContext& ctx,
                                                              const char* name) {
  const Hub* hub = ctx.channel ? dynamic_cast<const Hub*>(ctx.channel->options.get()) : nullptr;
  auto it = ctx.partner.channel_options.find(name);
  const Partner* partner = it == ctx.partner.channel_options.end()
                               ? nullptr
                               : dynamic_cast<const Partner*>(it->second.get());
  if (!hub || !partner)
    return unexpected(errc::kConfig, std::string(name) + " is not configured for partner '" +
                                         ctx.partner.code + "'");
  return std::make_pair(hub, partner);
}

Result<std::unique_ptr<Channel>> createSecureMail(const ChannelContext& ctx) {
  auto o = fallbackOptions<securemail::SecureMailHubOptions, securemail::SecureMailPartnerOptions>(
      ctx, "securemail");
  if (!o) return unexpected(o.error());
  securemail::HubContact contact{ctx.hub.hub.name, ctx.hub.hub.contact_email,
                                 ctx.hub.hub.contact_phone};
  // One signer and one pool of SMTP sessions per partner, as many as the channel may run at once.
  auto rt = securemail::makeSecureMailRuntime(*o->first, ctx.hub.signing, contact, ctx.hub.hub.oin,
                                              ctx.channel->concurrency);
  if (!rt) return unexpected(rt.error());
  return securemail::SecureMailChannel::create(std::move(*rt), *o->second, ctx.partner);
}

Result<std::unique_ptr<Channel>> createPrint(const ChannelContext& ctx) {
  auto o = fallbackOptions<print::PrintHubOptions, print::PrintPartnerOptions>(ctx, "print");
  if (!o) return unexpected(o.error());
  return print::PrintChannel::create(*o->first, *o->second, ctx.partner, ctx.hub.mappings_dir,
                                     ctx.products);
}

}  // namespace

const std::vector<ChannelEntry>& channelTable() {
  // name, primary, fallback, hub-wide options, per-partner options; factory. A primary channel's
  // per-partner options sit at the partner's own level; a fallback's under `<name>:`.
  static const std::vector<ChannelEntry> table = {
      {{"rest-xml", true, false, nullptr, &readHttpsCouplingOptions}, &RestXmlAdapter::create},
      {{"digikoppeling-wus", true, false, nullptr, &WusAdapter::readOptions}, &WusAdapter::create},
      {{"securemail", false, true, &securemail::readSecureMailHubOptions,
        &securemail::readSecureMailPartnerOptions},
       &createSecureMail},
      {{"print", false, true, &print::readPrintHubOptions, &print::readPrintPartnerOptions},
       &createPrint},
  };
  return table;
}

std::vector<config::ChannelSchema> channelSchemas() {
  std::vector<config::ChannelSchema> out;
  for (const auto& e : channelTable()) out.push_back(e.schema);
  return out;
}

const ChannelEntry* findChannel(std::string_view name) {
  for (const auto& entry : channelTable())
    if (name == entry.schema.name) return &entry;
  return nullptr;
}

Result<std::unique_ptr<Channel>> createChannel(std::string_view name, const ChannelContext& ctx) {
  if (const ChannelEntry* e = findChannel(name)) return e->create(ctx);
  std::string known;
  for (const auto& entry : channelTable()) {
    if (!known.empty()) known += ", ";
    known += entry.schema.name;
  }
  return unexpected(errc::kConfig, "partner '" + ctx.partner.code + "': unknown channel '" +
                                       std::string(name) + "' (known: " + known + ")");
}

}  // namespace hub::adapters
