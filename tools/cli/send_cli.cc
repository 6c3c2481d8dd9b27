// The parser of `ketenhub send` (the command: cmd_send.cc).
#include <memory>
#include <vector>

#include "hub/app/cli_layout.h"
#include "tools/cli/commands.h"

namespace hub::app {
namespace {

struct SendArgs {
  SendOptions o;
  std::vector<std::string> omit;
};

// The conditions between options the parser cannot say alone.
void checkSend(SendArgs& a) {
  a.o.omit.insert(a.omit.begin(), a.omit.end());
  const SendOptions& o = a.o;
  if (o.event_type.empty() && !o.omit.count("event-type"))
    throw CLI::RequiredError("--event-type (unless --omit event-type)");
  if (o.case_id.empty() && !o.omit.count("case-id"))
    throw CLI::RequiredError("--case-id (unless --omit case-id)");
  if (o.actor.empty() && !o.omit.count("actor"))
    throw CLI::RequiredError("--actor (unless --omit actor)");
}

}  // namespace

void addSendCommand(CLI::App& app, ChosenCommand& chosen) {
  CLI::App* sub = addCommand(app, "send", "a test producer: sends EVENT.json over AMQP 1.0");
  auto a = std::make_shared<SendArgs>();
  SendOptions& o = a->o;
  sub->add_option("EVENT.json", o.file, "the event's body")->required();
  sub->add_option("--url", o.url, "amqp://HOST:PORT, or amqps:// (TLS, host name checked)")
      ->type_name("URL")
      ->required();
  sub->add_option("--address", o.address, "the queue or address to send to")
      ->type_name("ADDR")
      ->required();
  sub->add_option("--event-type", o.event_type, "the event-type property")->type_name("T");
  sub->add_option("--case-id", o.case_id,
                  "the case-id property (zaaknummer); with --count the\n"
                  "prefix of Z-000001...")
      ->type_name("Z");
  sub->add_option("--actor", o.actor, "the actor property")->type_name("A");
  sub->add_option("--message-id", o.message_id,
                  "the message id (default: a random UUID); with --count\n"
                  "the prefix of ID-000001...")
      ->type_name("ID");
  sub->add_flag("--no-message-id", o.no_message_id, "send no message id");
  sub->add_option("--correlation-id", o.correlation_id, "the correlation id")->type_name("C");
  sub->add_option("--content-type", o.content_type, "default: application/json")->type_name("TYPE");
  sub->add_option("--omit", a->omit, "leave out that property (a test of intake's checks)")
      ->type_name("event-type|case-id|actor")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(unnamed(CLI::IsMember({"event-type", "case-id", "actor"})));
  sub->add_option("--count", o.count, "send N messages (default: 1)")
      ->type_name("N")
      ->check(unnamed(CLI::Range(1, 100000000)));
  sub->add_option("--window", o.window, "at most W unsettled messages (default: 500)")
      ->type_name("W")
      ->check(unnamed(CLI::Range(1, 100000000)));
  sub->add_option("--rate", o.rate, "at most PER_S messages per second (default: no limit)")
      ->type_name("PER_S")
      ->check(unnamed(CLI::PositiveNumber));
  CLI::Option* password = sub->add_option("--password-file", o.password_file,
                                          "the password for SASL PLAIN (first line of F)")
                              ->type_name("F");
  sub->add_option("--user", o.user, "SASL PLAIN user")->type_name("U")->needs(password);
  CLI::Option* ca =
      sub->add_option("--ca", o.ca, "amqps: the broker's trust anchors")->type_name("CA.pem");
  CLI::Option* cert = sub->add_option("--cert", o.cert, "amqps: client certificate (SASL EXTERNAL)")
                          ->type_name("CERT.pem")
                          ->needs(ca);
  CLI::Option* key = sub->add_option("--key", o.key, "amqps: the client certificate's key")
                         ->type_name("KEY.pem")
                         ->needs(cert);
  cert->needs(key);
  addFooter(
      sub,
      "Each message carries the body as a data section and the hub's properties (event-type,\n"
      "case-id, actor, occurred-at), over an unsettled sender link; exit 1 unless every message\n"
      "was accepted.");
  sub->parse_complete_callback([a] { checkSend(*a); });
  chooseOnParse(sub, chosen, Runtimes::kNone, a, [](const SendArgs& s) { return sendMain(s.o); });
}

}  // namespace hub::app
