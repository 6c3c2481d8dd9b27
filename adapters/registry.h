#pragma once
// THE table of delivery channels. Explicit, in one place: no static self-registration. A channel
// is one folder under adapters/ with its options schema (read by the config loader through
// config::ChannelSchema), its factory (validates once) and its runtime object (hub::Channel).
// Adding a channel = one folder, one row here, one CMake line.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hub/config/channel_schema.h"
#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/pipeline/channel.h"

namespace hub::adapters {

// What a factory gets: the whole configuration, the partner the channel serves, and for a fallback
// channel its hub-wide settings (engine.channels / channels.<name>).
struct ChannelContext {
  const HubConfig& hub;
  const PartnerConfig& partner;
  const ChannelConfig* channel = nullptr;  // null for a primary channel
  std::vector<std::string> products;       // products routed to this partner
};

struct ChannelEntry {
  config::ChannelSchema schema;  // name, primary/fallback, option readers
  Result<std::unique_ptr<Channel>> (*create)(const ChannelContext&);
};

const std::vector<ChannelEntry>& channelTable();

// The schemas of every channel, for config::LoadOptions.
std::vector<config::ChannelSchema> channelSchemas();

const ChannelEntry* findChannel(std::string_view name);

// Builds channel `name` for a partner; an unknown name is a config error listing the known ones.
Result<std::unique_ptr<Channel>> createChannel(std::string_view name, const ChannelContext& ctx);

}  // namespace hub::adapters
