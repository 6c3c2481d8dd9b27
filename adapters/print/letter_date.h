#pragma once
// The date a letter carries: the calendar date in the Netherlands (Europe/Amsterdam: CET, CEST
// from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC). Pure.
#include <cstdint>
#include <string>

namespace hub::adapters::print {

// "2026-11-22" for the Dutch calendar day of unix_ms.
std::string amsterdamDate(int64_t unix_ms);

// UTC offset of Europe/Amsterdam at unix_ms, in seconds (3600 or 7200).
int amsterdamOffsetSeconds(int64_t unix_ms);

// "2026-11-22T07:15:00Z" (UTC, whole seconds): the PDF's creation date.
std::string pdfDate(int64_t unix_ms);

}  // namespace hub::adapters::print
