// Throughput of the fallback delivery channels with the real components: securemail (MIME build +
// S/MIME CMS signature with the hub's key, then SMTP with STARTTLS and AUTH to a real relay) and
// print (letter XSLT + cairo/pango PDF, then an atomic, fsync'ed write into a spool directory).
// One golden signed product (the CIZ's kennisgeving-ibs) goes through both channels.
// Usage: channel_bench --pki DIR --smtp URL --smtp-password-file F --spool DIR [--smtp-pid PID]
//          [--source DIR] [--mails N] [--smtp-mails N] [--letters N]
//          [--spool-letters N] [--threads T]
// (run by bench/channels.sh, which starts the relay; --smtp-pid lets the relay's CPU be counted).
// The last line is machine-readable.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/print/print_channel.h"
#include "adapters/securemail/securemail_channel.h"
#include "hub/curl/curl_global.h"
#include "hub/dsig/dsig_runtime.h"
#include "hub/tls/digest.h"
#include "hub/xml/xml_runtime.h"

namespace {

constexpr int64_t kNowMs = 1795331700000;  // 2026-11-22T07:15:00Z
constexpr size_t kKeptMails = 1000;        // prepared mails the send-only phases cycle through
constexpr const char* kHubOin = "00000099000000000001";

std::string readFile(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double processCpuS() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// utime + stime of another process (the SMTP relay), 0 when there is none.
double pidCpuS(int pid) {
  if (pid <= 0) return 0;
  std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i >= 14) ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Figures {
  int n = 0;
  double wall_s = 0, cpu_s = 0, server_cpu_s = 0;
  int failures = 0;
  std::string first_failure;
  double perS() const { return n / wall_s; }
  double cpuUs() const { return cpu_s * 1e6 / n; }
  double serverCpuUs() const { return server_cpu_s * 1e6 / n; }
};

// Runs body(i) for i in [0, n) on `threads` threads; body returns "" or a failure reason.
Figures measure(int n, int threads, int server_pid, const std::function<std::string(int)>& body) {
  Figures f;
  f.n = n;
  std::atomic<int> next{0};
  std::vector<std::string> failures(threads);
  std::vector<int> failed(threads, 0);
  auto work = [&](int t) {
    for (int i; (i = next.fetch_add(1)) < n;) {
      std::string why = body(i);
      if (!why.empty() && failed[t]++ == 0) failures[t] = why;
    }
  };
  const double cpu0 = processCpuS(), server0 = pidCpuS(server_pid);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  f.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  f.cpu_s = processCpuS() - cpu0;
  f.server_cpu_s = pidCpuS(server_pid) - server0;
  for (int t = 0; t < threads; ++t) {
    f.failures += failed[t];
    if (f.first_failure.empty()) f.first_failure = failures[t];
  }
  return f;
}

void report(const char* what, const Figures& f, bool server) {
  std::printf("channel_bench: %-58s %6d in %5.2f s -> %7.1f/s; CPU %6.0f us each", what, f.n,
              f.wall_s, f.perS(), f.cpuUs());
  if (server)
    std::printf("; relay CPU %5.0f us each (%3.0f %% of a core)", f.serverCpuUs(),
                100 * f.server_cpu_s / f.wall_s);
  std::printf("\n");
  if (f.failures > 0)
    std::printf("channel_bench:   %d FAILED, first: %s\n", f.failures, f.first_failure.c_str());
}

std::string deliveryId(const char* prefix, int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s-0000-5000-8000-%012d", prefix, i);
  return buf;
}

std::string failureOf(const hub::Outcome& o) {
  return o.kind == hub::OutcomeKind::kDelivered ? "" : o.reason;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt = {{"--source", "."},          {"--mails", "20000"},
                                            {"--smtp-mails", "6000"},   {"--letters", "1500"},
                                            {"--spool-letters", "300"}, {"--threads", "4"},
                                            {"--smtp-pid", "0"}};
  for (int i = 1; i + 1 < argc; i += 2) opt[argv[i]] = argv[i + 1];
  for (const char* required : {"--pki", "--smtp", "--smtp-password-file", "--spool"}) {
    if (!opt.count(required) || argc % 2 == 0) {
      std::fprintf(stderr,
                   "usage: channel_bench --pki DIR --smtp URL --smtp-password-file F --spool DIR "
                   "[--smtp-pid PID] [--source DIR] [--mails N] [--smtp-mails N] [--letters N] "
                   "[--spool-letters N] [--threads T]\n");
      return 2;
    }
  }
  const std::string src = opt["--source"], pki = opt["--pki"];
  const int n_mails = std::stoi(opt["--mails"]), n_smtp = std::stoi(opt["--smtp-mails"]);
  const int n_letters = std::stoi(opt["--letters"]), n_spool = std::stoi(opt["--spool-letters"]);
  const int threads = std::stoi(opt["--threads"]);
  const int relay = std::stoi(opt["--smtp-pid"]);

  hub::xml::XmlRuntime xml_runtime;  // as main() of the hub, in this order
  hub::dsig::DsigRuntime dsig_runtime;
  hub::curl::CurlGlobal curl_global;

  hub::ChannelInput base;
  base.message_id = "golden:wzd.inbewaringstelling.genomen";
  base.case_id = "IBS-0344-2026-000077";
  base.event_type = "wzd.inbewaringstelling.genomen";
  base.partner = "ciz";
  base.product = "kennisgeving-ibs";
  base.process_step = "Kennisgeving inbewaringstelling";
  base.signed_product =
      readFile(src + "/tests/golden/wzd.inbewaringstelling.genomen/ciz/kennisgeving-ibs.xml");
  base.product_sha256 = hub::tls::hexEncode(hub::tls::sha256(base.signed_product));
  base.now_ms = kNowMs;
  auto input = [&](const char* prefix, int i) {
    hub::ChannelInput in = base;
    in.delivery_id = deliveryId(prefix, i);
    return in;
  };
  hub::PartnerConfig partner;
  partner.code = "ciz";
  partner.name = "Centrum indicatiestelling zorg";

  // securemail: one runtime (signer + SMTP session pool of `threads`), one channel.
  hub::securemail::SecureMailHubOptions mail_opts;
  mail_opts.url = opt["--smtp"];
  mail_opts.from = "ketenhub@gemeente-test.example.nl";
  mail_opts.user = "ketenhub";
  mail_opts.password_file = opt["--smtp-password-file"];
  mail_opts.tls.ca_files = {pki + "/ca.crt"};
  hub::securemail::SecureMailPartnerOptions mail_partner;
  mail_partner.address = "zorg@ciz-test.example.nl";
  const hub::securemail::HubContact contact = {
      "Gemeente Test", "ketenhub-beheer@gemeente-test.example.nl", "+31 20 000 0000"};
  auto rt = hub::securemail::makeSecureMailRuntime(
      mail_opts, {pki + "/hub-sign.key", pki + "/hub-sign.crt"}, contact, kHubOin, threads);
  if (!rt) {
    std::fprintf(stderr, "channel_bench: securemail: %s\n", rt.error().message.c_str());
    return 1;
  }
  auto mail = hub::securemail::SecureMailChannel::create(*rt, mail_partner, partner);
  // print: spool mode, the demo's sender and a synthetic address.
  hub::adapters::print::PrintHubOptions print_opts;
  print_opts.spool_dir = opt["--spool"];
  print_opts.return_address = "Retouradres: Postbus 1234, 3500 AA Utrecht";
  print_opts.sender = {"Ketenhub verplichte ggz regio Utrecht", "Postbus 1234", "3500 AA Utrecht"};
  print_opts.place = "Utrecht";
  hub::adapters::print::PrintPartnerOptions print_partner;
  print_partner.address = {"Centrum indicatiestelling zorg", "t.a.v. afdeling Coördinatie",
                           "Postbus 9", "3500 ZZ Utrecht"};
  auto print = hub::adapters::print::PrintChannel::create(print_opts, print_partner, partner,
                                                          src + "/mappings", {base.product});
  if (!mail || !print) {
    std::fprintf(stderr, "channel_bench: %s\n",
                 (!mail ? mail.error() : print.error()).message.c_str());
    return 1;
  }
  hub::Channel& mails = **mail;
  hub::Channel& letters = **print;

  // Warm-up, and a check that both channels really work before anything is timed.
  auto warm_mail = mails.prepare(input("ffffffff", 0));
  auto warm_letter = letters.prepare(input("fffffffe", 0));
  if (!warm_mail || !warm_letter) {
    std::fprintf(stderr, "channel_bench: prepare: %s\n",
                 (!warm_mail ? warm_mail.error() : warm_letter.error()).message.c_str());
    return 1;
  }
  if (auto o = mails.send(input("ffffffff", 0), *warm_mail); !failureOf(o).empty()) {
    std::fprintf(stderr, "channel_bench: smtp: %s\n", o.reason.c_str());
    return 1;
  }
  std::printf("channel_bench: product %zu bytes; mail %zu bytes; letter PDF %zu bytes; %d cores\n",
              base.signed_product.size(), warm_mail->body.size(), warm_letter->body.size(),
              static_cast<int>(std::thread::hardware_concurrency()));

  std::vector<hub::WireMessage> kept(std::min<size_t>(kKeptMails, n_mails));
  const Figures m_prep = measure(n_mails, 1, relay, [&](int i) -> std::string {
    auto m = mails.prepare(input("0000000a", i));
    if (!m) return m.error().message;
    if (static_cast<size_t>(i) < kept.size()) kept[i] = std::move(*m);
    return "";
  });
  report("securemail prepare (MIME + S/MIME CMS RSA-2048), 1 thread", m_prep, false);
  auto prepare_send = [&](const char* prefix) {
    return [&, prefix](int i) -> std::string {
      hub::ChannelInput in = input(prefix, i);
      auto m = mails.prepare(in);
      return m ? failureOf(mails.send(in, *m)) : m.error().message;
    };
  };
  auto send_kept = [&](int i) {
    return failureOf(mails.send(base, kept[static_cast<size_t>(i) % kept.size()]));
  };
  const Figures m_smtp = measure(n_smtp, 1, relay, prepare_send("0000000b"));
  report("securemail prepare+send (SMTP STARTTLS+AUTH), 1 thread", m_smtp, true);
  const Figures m_send1 = measure(n_smtp, 1, relay, send_kept);
  report("securemail send only (prepared mails), 1 thread", m_send1, true);
  const Figures m_sendt = measure(n_smtp, threads, relay, send_kept);
  report(("securemail send only (prepared mails), " + std::to_string(threads) + " threads").c_str(),
         m_sendt, true);
  const Figures m_smtpt = measure(n_smtp, threads, relay, prepare_send("0000000c"));
  report(("securemail prepare+send, " + std::to_string(threads) + " threads").c_str(), m_smtpt,
         true);
  std::printf("channel_bench: SMTP sessions opened: %llu (warm-up included)\n",
              static_cast<unsigned long long>((*rt)->smtp->connectionsOpened()));

  const Figures l_prep = measure(n_letters, 1, 0, [&](int i) {
    auto m = letters.prepare(input("0000000d", i));
    return m ? std::string() : m.error().message;
  });
  report("print prepare (letter XSLT + cairo/pango PDF), 1 thread", l_prep, false);
  const Figures l_spool = measure(n_spool, 1, 0, [&](int i) -> std::string {
    hub::ChannelInput in = input("0000000e", i);
    auto m = letters.prepare(in);
    return m ? failureOf(letters.send(in, *m)) : m.error().message;
  });
  report("print prepare+send (spool: atomic write, fsync), 1 thread", l_spool, false);

  const int failures = m_prep.failures + m_smtp.failures + m_send1.failures + m_sendt.failures +
                       m_smtpt.failures + l_prep.failures + l_spool.failures;
  std::printf(
      "channel_bench: mails_prepare_per_s=%.1f mails_prepare_cpu_us=%.0f mails_smtp_per_s=%.1f "
      "mails_smtp_cpu_us=%.0f mails_smtp_relay_cpu_us=%.0f mails_send1_per_s=%.1f "
      "mails_send1_relay_busy=%.2f mails_sendt_per_s=%.1f mails_sendt_relay_busy=%.2f "
      "mails_smtpt_per_s=%.1f letters_prepare_per_s=%.1f letters_prepare_cpu_us=%.0f "
      "letters_spool_per_s=%.1f letters_spool_cpu_us=%.0f threads=%d failures=%d\n",
      m_prep.perS(), m_prep.cpuUs(), m_smtp.perS(), m_smtp.cpuUs(), m_smtp.serverCpuUs(),
      m_send1.perS(), m_send1.server_cpu_s / m_send1.wall_s, m_sendt.perS(),
      m_sendt.server_cpu_s / m_sendt.wall_s, m_smtpt.perS(), l_prep.perS(), l_prep.cpuUs(),
      l_spool.perS(), l_spool.cpuUs(), threads, failures);
  return failures == 0 ? 0 : 1;
}
