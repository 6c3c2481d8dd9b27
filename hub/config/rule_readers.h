#pragma once
// Readers for the parts of a delivery rule that refer to event fields: conditions (`when`) and
// the legal deadline (`legal_deadline`).
#include "hub/config/config.h"
#include "hub/config/yaml_reader.h"

namespace hub::config {

// when: [{field: /a/b, equals: "x"} | {field: /a/b, not_equals: "x"} | {field: /a/b, present: true}
//        | {field: /a/b, present: false}]
std::vector<Condition> readConditions(MapReader& rule);

// legal_deadline: {from: /besluit/datumTijd, after: 24h} | {at: /besluit/geldigTot}
std::optional<LegalDeadline> readLegalDeadline(MapReader& rule);

// "1d2h30m" style rendering for messages.
std::string formatDuration(Millis d);

}  // namespace hub::config
