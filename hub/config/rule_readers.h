#pragma once
// Readers for the parts of a delivery rule that refer to event fields: conditions (`when`) and
// the legal deadline (`legal_deadline`).
#include "hub/config/config.h"
#include "hub/config/yaml_reader.h"

namespace hub::config {

// when: [{field: /a/b, equals: "x"} | {field: /a/b, not_equals: "x"} | {field: /a/b, present: true}
//        | {field: /a/b, present: false} | {delivered_before: {partner: P, product: Q}}]
std::vector<Condition> readConditions(MapReader& rule);

// legal_deadline: {from: /besluit/datumTijd, after: 24h}
//               | {from: /melding/datumOntvangst, after: 14d, zone: Europe/Amsterdam}
//               | {from: /besluit/datumTijd, until: end_of_day, zone: Europe/Amsterdam}
//               | {at: /besluit/geldigTot}
std::optional<LegalDeadline> readLegalDeadline(MapReader& rule);

// "1d2h30m" style rendering for messages.
std::string formatDuration(Millis d);

}  // namespace hub::config
