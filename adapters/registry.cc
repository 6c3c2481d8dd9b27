#include "adapters/registry.h"

#include <string>

#include "adapters/digikoppeling_wus/wus_adapter.h"
#include "adapters/rest_xml/rest_xml_adapter.h"
#include "hub/core/error_codes.h"

namespace hub::adapters {

const std::vector<ChannelEntry>& channelTable() {
  // name, primary, fallback, hub-wide options, per-partner options; factory.
  static const std::vector<ChannelEntry> table = {
      {{"rest-xml", true, false, nullptr, nullptr}, &RestXmlAdapter::create},
      {{"digikoppeling-wus", true, false, nullptr, nullptr}, &WusAdapter::create},
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
