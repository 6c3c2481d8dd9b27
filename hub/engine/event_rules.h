#pragma once
// Pure rules over an event's fields: route conditions, legal deadlines, the BSN 11-check.
#include <cstdint>
#include <optional>
#include <string>

#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/pipeline/store.h"
#include "hub/xml/document.h"

namespace hub::engine {

// RFC 3339 date-time ("2026-11-21T23:40:00+01:00", "...Z", fractions allowed) -> unix ms.
std::optional<int64_t> parseRfc3339(std::string_view s);

// All conditions on the event's fields hold? When not, `why` says which one failed, without the
// field's value. Conditions on the case's history (delivered_before) are left to the store.
bool conditionsHold(const std::vector<Condition>& when, const xml::Document& event,
                    std::string& why);

// The earlier deliveries of the case a rule waits on (its delivered_before conditions).
std::vector<PriorDelivery> priorDeliveries(const std::vector<Condition>& when);

// The legal period (unix ms) of a delivery for this event: it starts at the `from` field (the
// decision) or, for an `at` deadline, at intake; error when a field is missing or not a date-time
// (or, with a zone, a date).
struct LegalPeriod {
  int64_t start_at = 0;
  int64_t deadline_at = 0;
};
Result<LegalPeriod> legalPeriod(const LegalDeadline& legal, const xml::Document& event,
                                int64_t received_at_ms);

// The 11-check (elfproef) for a Dutch BSN: 9 digits, sum(d_i * (9..2)) - d_9 divisible by 11.
bool bsnElfproef(std::string_view bsn);

}  // namespace hub::engine
