#pragma once
// The boundary between the engine and a delivery channel: the primary partner couplings
// (rest-xml, digikoppeling-wus) and the fallback channels (securemail, print).
//
//   prepare(in)      pure: the exact wire message this channel would send for the delivery (HTTP
//                    body and headers, SOAP envelope, MIME mail, PDF letter + manifest). No I/O.
//                    `route test` prints it; `send` transmits it unchanged.
//   send(in, msg)    one attempt with a prepared message; classifies the result as an Outcome
//                    (delivered, retryable, permanent). Never sleeps, retries or decides: the
//                    engine does (adapters classify, the engine decides).
//   sendAsync(...)   the same attempt without blocking the caller, where the channel has an I/O
//                    thread for it (rest-xml: libcurl multi); the outcome arrives in a callback.
//
// Every channel of one delivery carries the same signed product bytes (ChannelInput::
// signed_product): built and signed once, stored, reused on every attempt and channel.
// Implementations must be safe to call from several worker threads at once.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hub/core/outcome.h"
#include "hub/core/result.h"

namespace hub {

struct ChannelInput {
  std::string delivery_id;  // stable across attempts and channels (X-Message-Id, wsa:MessageID)
  std::string message_id;   // the event's message-id
  std::string case_id;      // zaaknummer
  std::string event_type;
  std::string partner;
  std::string product;
  std::string process_step;    // human name of the step, e.g. "Kennisgeving crisismaatregel"
  std::string signed_product;  // the signed XML product, byte-identical on every channel
  std::string product_sha256;  // lower-case hex SHA-256 of signed_product
  int64_t now_ms = 0;          // when the message is prepared (mail Date, letter date, CMS time)
};

// One extra file that travels with a message (for example the print manifest).
struct WirePart {
  std::string name;        // e.g. "manifest.json"
  std::string media_type;  // e.g. "application/json"
  std::string bytes;
};

struct WireMessage {
  std::string channel;  // registry name, e.g. "rest-xml", "securemail", "print"
  std::string target;   // where it goes: URL, "smtp://relay -> address", spool file name
  std::vector<std::pair<std::string, std::string>> headers;  // HTTP headers / SMTP envelope
  std::string media_type;                                    // of body
  std::string body;                                          // the exact bytes sent
  std::vector<WirePart> parts;                               // extra files, if any
};

class Channel {
 public:
  using SendDone = std::function<void(Outcome)>;

  virtual ~Channel() = default;
  virtual Result<WireMessage> prepare(const ChannelInput& in) const = 0;
  virtual Outcome send(const ChannelInput& in, const WireMessage& msg) = 0;

  // True when sendAsync() never blocks the calling thread (the exchange runs on the channel's
  // own I/O thread), so the engine may call it from a thread that must not wait on the network.
  virtual bool sendsAsync() const { return false; }
  // send() with the outcome delivered to `done`: on the channel's I/O thread when sendsAsync(),
  // otherwise on the calling thread before sendAsync returns (the default). `in` is read only
  // during the call; `done` must not block.
  virtual void sendAsync(const ChannelInput& in, WireMessage msg, SendDone done) {
    done(send(in, msg));
  }
};

}  // namespace hub
