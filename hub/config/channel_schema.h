#pragma once
// How the loader reads a channel's own options without knowing them: the adapters registry hands
// one ChannelSchema per channel to the loader (LoadOptions), so hub/config never includes an
// adapter. Each reader declares its keys on the MapReader it gets (unknown keys are reported with
// "did you mean"), reports errors positionally, and returns nullptr when it found errors.
#include <string>

#include "hub/config/config.h"
#include "hub/config/yaml_reader.h"

namespace hub::config {

struct ChannelSchema {
  const char* name;  // `adapter:` value (primary) or fallback channel name
  bool primary;      // may be a partner's adapter
  bool fallback;     // may appear in a route's `fallback:` list
  // `channels.<name>` in hub.yaml (the reader is invalid when the block is absent). May be null.
  ChannelOptionsConstSharedPtr (*read_hub)(MapReader& r, const std::string& base_dir);
  // Per partner in routes/partners.yaml: a primary channel (the partner's `adapter:`) reads its
  // keys at the partner's own level (endpoint, tls, ...); a fallback channel under `<name>:`.
  // May be null.
  ChannelOptionsConstSharedPtr (*read_partner)(MapReader& r, const std::string& base_dir);
};

}  // namespace hub::config
