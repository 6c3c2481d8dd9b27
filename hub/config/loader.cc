#include "hub/config/loader.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include "hub/config/endpoint.h"
#include "hub/config/route_checks.h"
#include "hub/config/yaml_reader.h"
#include "hub/log/log.h"

namespace fs = std::filesystem;

namespace hub::config {

std::string resolvePath(const std::string& base_dir, const std::string& p) {
  if (p.empty()) return p;
  fs::path path(p);
  if (path.is_absolute()) return path.lexically_normal().string();
  return (fs::path(base_dir) / path).lexically_normal().string();
}

namespace {

ChannelConfig channelDefaults(const std::string& name, Millis deadline) {
  ChannelConfig c;
  c.name = name;
  c.deadline = deadline;
  return c;
}

bool isOin(const std::string& s) {
  return s.size() == 20 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void readHub(MapReader& root, HubConfig& cfg) {
  MapReader h = root.child("hub", true);
  cfg.hub.name = h.str("name", true);
  cfg.hub.oin = h.str("oin", true);
  if (h.has("oin") && !isOin(cfg.hub.oin)) h.error("oin", "an OIN has exactly 20 digits");
  MapReader c = h.child("contact");
  cfg.hub.contact_email = c.str("email", false);
  cfg.hub.contact_phone = c.str("phone", false);
  c.finish();
  h.finish();
}

// Two keys that only work together (user and password_file, tls_certificate and tls_key): half
// a pair would be ignored, or fail only once the hub starts.
void together(MapReader& r, const std::string& a, const std::string& b) {
  if (r.has(a) != r.has(b)) r.error(r.has(a) ? b : a, a + " and " + b + " go together");
}

// The broker URLs of one connection (intake.connect[].urls, notify.urls): the hub's AMQP URL
// rules (hub/config/endpoint.h), and one scheme for the list: its TLS settings apply to every
// failover URL.
void checkConnectUrls(MapReader& r, const std::string& key, const std::vector<std::string>& urls) {
  std::optional<bool> tls;
  for (size_t i = 0; i < urls.size(); ++i) {
    auto u = parseAmqpConnectUrl(urls[i]);
    if (!u) {
      r.itemError(key, i, u.error().message);
      continue;
    }
    if (tls && *tls != u->tls)
      r.itemError(key, i,
                  "amqp:// and amqps:// do not mix in one list (its TLS settings apply to "
                  "every URL)");
    tls = u->tls;
  }
}

void checkClientSecurity(MapReader& r) {
  together(r, "user", "password_file");
  together(r, "tls_certificate", "tls_key");
}

// A listener: amqps:// needs its certificate and key; client certificates (tls_ca) are checked
// only over TLS; SASL PLAIN is offered only over TLS, EXTERNAL needs client certificates.
void checkListenSecurity(MapReader& r, const ListenSource& s) {
  auto u = parseAmqpListenUrl(s.url);
  if (!u) {
    if (r.has("url")) r.error("url", u.error().message);
    return;
  }
  together(r, "tls_certificate", "tls_key");
  if (u->tls && !r.has("tls_certificate") && !r.has("tls_key"))
    r.error("tls_certificate", "an amqps:// listener needs tls_certificate and tls_key");
  if (r.has("tls_ca") && !r.has("tls_certificate"))
    r.error("tls_ca", "client certificates are checked only over TLS (tls_certificate, tls_key)");
  for (size_t i = 0; i < s.sasl_mechanisms.size(); ++i) {
    const std::string& m = s.sasl_mechanisms[i];
    if (m == "PLAIN" && !r.has("tls_certificate"))
      r.itemError("sasl_mechanisms", i,
                  "PLAIN is offered only over TLS (tls_certificate, tls_key)");
    if (m == "EXTERNAL" && !r.has("tls_ca"))
      r.itemError("sasl_mechanisms", i, "EXTERNAL needs client certificates, checked by tls_ca");
  }
}

void readIntake(MapReader& root, HubConfig& cfg) {
  MapReader in = root.child("intake", true);
  auto& ic = cfg.intake;
  ic.max_message_bytes = static_cast<uint64_t>(
      in.integer("max_message_bytes", static_cast<int>(ic.max_message_bytes), 1024, 64 << 20));
  ic.max_json_depth = in.integer("max_json_depth", ic.max_json_depth, 2, 256);
  ic.max_elements = in.integer("max_elements", ic.max_elements, 100, 1000000);
  ic.credit_window = in.integer("credit_window", ic.credit_window, 1, 10000);
  in.eachItem("listen", false, [&](MapReader& r, size_t) {
    ListenSource s;
    s.name = r.str("name", true);
    s.url = r.str("url", true);
    s.address = r.str("address", true);
    s.tls_cert = resolvePath(cfg.base_dir, r.str("tls_certificate", false));
    s.tls_key = resolvePath(cfg.base_dir, r.str("tls_key", false));
    s.tls_ca = resolvePath(cfg.base_dir, r.str("tls_ca", false));
    s.sasl_mechanisms = r.strList("sasl_mechanisms");
    if (r.has("url")) checkListenSecurity(r, s);
    ic.listen.push_back(std::move(s));
  });
  in.eachItem("connect", false, [&](MapReader& r, size_t) {
    ConnectSource s;
    s.name = r.str("name", true);
    s.urls = r.strList("urls");
    if (s.urls.empty()) r.error("urls", "at least one broker URL is required");
    s.address = r.str("address", true);
    s.user = r.str("user", false);
    s.password_file = resolvePath(cfg.base_dir, r.str("password_file", false));
    s.tls_ca = resolvePath(cfg.base_dir, r.str("tls_ca", false));
    s.tls_cert = resolvePath(cfg.base_dir, r.str("tls_certificate", false));
    s.tls_key = resolvePath(cfg.base_dir, r.str("tls_key", false));
    s.reconnect_initial = r.duration("reconnect_initial", s.reconnect_initial);
    s.reconnect_max = r.duration("reconnect_max", s.reconnect_max);
    checkConnectUrls(r, "urls", s.urls);
    checkClientSecurity(r);
    ic.connect.push_back(std::move(s));
  });
  if (in.valid() && ic.listen.empty() && ic.connect.empty())
    in.error("", "configure at least one intake source under listen or connect");
  std::vector<std::string> names;
  for (const auto& s : ic.listen) names.push_back(s.name);
  for (const auto& s : ic.connect) names.push_back(s.name);
  std::sort(names.begin(), names.end());
  auto dup = std::adjacent_find(names.begin(), names.end());
  if (dup != names.end()) in.error("", "intake source name '" + *dup + "' is used twice");
  in.finish();
}

const ChannelSchema* findSchema(const LoadOptions& opts, const std::string& name) {
  for (const auto& s : opts.channels)
    if (name == s.name) return &s;
  return nullptr;
}

// engine.channels.<name>: how long and how hard each fallback channel tries (defaults: secure
// mail 2 h, print 12 h). channels.<name>: the channel's own options (SMTP relay, print spool),
// read by its schema; a channel without them is not available and the chain skips it.
void readChannels(MapReader& root, MapReader& en, const LoadOptions& opts, HubConfig& cfg) {
  cfg.engine.channels = {{"securemail", channelDefaults("securemail", Millis(2 * 3'600'000))},
                         {"print", channelDefaults("print", Millis(12 * 3'600'000))}};
  for (const auto& s : opts.channels)
    if (s.fallback && !cfg.engine.channels.count(s.name))
      cfg.engine.channels[s.name] = channelDefaults(s.name, Millis(4 * 3'600'000));
  for (auto& [name, c] : cfg.engine.channels) c.retry = cfg.engine.retry;
  auto known = [&] {
    std::string k;
    for (const auto& [name, c] : cfg.engine.channels) k += (k.empty() ? "" : ", ") + name;
    return k;
  };
  std::set<std::string> set_in_engine;  // "securemail.deadline": written under engine.channels
  en.eachEntry("channels", false, [&](const std::string& name, MapReader& c, Position) {
    if (!cfg.engine.channels.count(name)) {
      c.error("", "unknown channel '" + name + "'; known: " + known());
      return;
    }
    auto& ch = cfg.engine.channels[name];
    ch.deadline = c.duration("deadline", ch.deadline);
    ch.retry = readRetry(c.child("retry"), ch.retry);
    ch.concurrency = c.integer("concurrency", ch.concurrency, 1, 256);
    for (const char* k : {"deadline", "retry", "concurrency"})
      if (c.has(k)) set_in_engine.insert(name + "." + k);
  });
  root.eachEntry("channels", false, [&](const std::string& name, MapReader& c, Position) {
    const ChannelSchema* schema = findSchema(opts, name);
    if (!cfg.engine.channels.count(name) || !schema || !schema->read_hub) {
      c.error("", "unknown channel '" + name + "'; known: " + known());
      return;
    }
    auto& ch = cfg.engine.channels[name];
    // Also accepted here, next to the channel's own options; in one place only, or one of the
    // two would silently lose.
    for (const char* k : {"deadline", "retry", "concurrency"})
      if (c.has(k) && set_in_engine.count(name + "." + k))
        c.error(k, "also set in engine.channels." + name + "; set it in one place");
    ch.deadline = c.duration("deadline", ch.deadline);
    ch.retry = readRetry(c.child("retry"), ch.retry);
    ch.concurrency = c.integer("concurrency", ch.concurrency, 1, 256);
    ch.options = schema->read_hub(c, cfg.base_dir);
    c.finish();
  });
}

// notify / dead_letter: status notifications and dead letters over AMQP (both optional).
void readNotify(MapReader& root, HubConfig& cfg) {
  auto& n = cfg.notify;
  MapReader no = root.child("notify");
  n.urls = no.strList("urls");
  n.address = no.str("address", false);
  n.user = no.str("user", false);
  n.password_file = resolvePath(cfg.base_dir, no.str("password_file", false));
  n.tls_ca = resolvePath(cfg.base_dir, no.str("tls_ca", false));
  n.tls_cert = resolvePath(cfg.base_dir, no.str("tls_certificate", false));
  n.tls_key = resolvePath(cfg.base_dir, no.str("tls_key", false));
  n.reconnect_initial = no.duration("reconnect_initial", n.reconnect_initial);
  n.reconnect_max = no.duration("reconnect_max", n.reconnect_max);
  if (n.reconnect_max < n.reconnect_initial)
    no.error("reconnect_max", "must not be shorter than reconnect_initial");
  checkConnectUrls(no, "urls", n.urls);
  checkClientSecurity(no);
  if (no.valid() && n.address.empty()) no.error("address", "notify needs an address");
  no.finish();
  MapReader dl = root.child("dead_letter");
  n.dead_letter_address = dl.str("address", dl.valid());
  dl.finish();
  if (n.enabled() && n.urls.empty())
    (no.valid() ? no : dl).error("", "notify.urls (the AMQP peer or broker) is required");
}

void readAudit(MapReader& root, HubConfig& cfg) {
  // Defaults next to the store file: the trail's state belongs with the hub's state (a
  // PostgreSQL store has no file: readRest requires both then).
  fs::path store_dir = fs::path(cfg.store.sqlite_path).parent_path();
  MapReader au = root.child("audit");
  cfg.audit.dir = resolvePath(cfg.base_dir, au.str("dir", false, (store_dir / "audit").string()));
  cfg.audit.key_file = resolvePath(
      cfg.base_dir, au.str("key_file", false, (store_dir / "audit-person.key").string()));
  cfg.audit.instance = au.str("instance", false);
  au.finish();
  MapReader re = root.child("retention");
  cfg.audit.retention_days = re.integer("audit_days", cfg.audit.retention_days, 1, 36500);
  cfg.store.payload_days = re.integer("payload_days", cfg.store.payload_days, 1, 3650);
  re.finish();
}

void readRest(MapReader& root, HubConfig& cfg, const LoadOptions& opts) {
  MapReader st = root.child("store", true);
  if (st.has("postgres")) {
    MapReader pg = st.child("postgres", true);
    cfg.store.postgres_conninfo = pg.str("conninfo", true);
    cfg.store.postgres_password_file = resolvePath(cfg.base_dir, pg.str("password_file", false));
    cfg.store.lease_seconds = pg.integer("lease_seconds", cfg.store.lease_seconds, 3, 600);
    std::string lower = cfg.store.postgres_conninfo;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("password") != std::string::npos)
      pg.error("conninfo", "holds a password: put it in store.postgres.password_file (mode 0600)");
    pg.finish();
    if (st.has("sqlite") && !st.str("sqlite", false).empty())
      st.error("sqlite", "store.sqlite and store.postgres: choose one");
    // The instances sharing a store must share the person-hash key, or the same person would
    // have a different hash in each one's trail; and there is no store file to default next to.
    MapReader au = root.child("audit");
    for (const char* key : {"dir", "key_file"})
      if (!au.valid() || !au.has(key))
        st.error("postgres", std::string("needs audit.") + key +
                                 " (there is no store file to keep it next to)");
  } else {
    cfg.store.sqlite_path = resolvePath(cfg.base_dir, st.str("sqlite", true));
  }
  cfg.store.group_commit_max =
      st.integer("group_commit_max", cfg.store.group_commit_max, 1, 100000);
  cfg.store.max_size_mb = st.integer("max_size_mb", 0, 0, 10000000);
  st.finish();
  readAudit(root, cfg);

  MapReader sg = root.child("signing", true);
  cfg.signing.key = resolvePath(cfg.base_dir, sg.str("key", true));
  cfg.signing.certificate = resolvePath(cfg.base_dir, sg.str("certificate", true));
  sg.finish();

  MapReader ad = root.child("admin");
  cfg.admin.listen = ad.str("listen", false, cfg.admin.listen);
  cfg.admin.tokens_file = resolvePath(cfg.base_dir, ad.str("tokens_file", false));
  MapReader at = ad.child("tls");
  cfg.admin.tls_cert = resolvePath(cfg.base_dir, at.str("certificate", at.valid()));
  cfg.admin.tls_key = resolvePath(cfg.base_dir, at.str("key", at.valid()));
  cfg.admin.tls_client_ca = resolvePath(cfg.base_dir, at.str("client_ca", false));
  at.finish();
  if (auto listen = parseHostPort(cfg.admin.listen, PortUse::kListen); !listen)
    ad.error("listen", listen.error().message);
  else if (!listen->isLoopback())
    ad.error("listen", "the admin listener must bind to loopback (127.0.0.0/8 or [::1])");
  ad.finish();

  MapReader en = root.child("engine");
  cfg.engine.workers = en.integer("workers", 0, 0, 256);
  cfg.engine.build_workers = en.integer("build_workers", 0, 0, 256);
  cfg.engine.retry = readRetry(en.child("retry"), cfg.engine.retry);
  MapReader dl = en.child("deadline");
  cfg.engine.deadline_crisis = dl.duration("crisis", cfg.engine.deadline_crisis);
  cfg.engine.deadline_other = dl.duration("other", cfg.engine.deadline_other);
  dl.finish();
  readChannels(root, en, opts, cfg);
  en.finish();

  MapReader pa = root.child("paths");
  cfg.routes_dir = resolvePath(cfg.base_dir, pa.str("routes", false, "routes"));
  cfg.mappings_dir = resolvePath(cfg.base_dir, pa.str("mappings", false, "mappings"));
  cfg.schemas_dir = resolvePath(cfg.base_dir, pa.str("schemas", false, "schemas"));
  pa.finish();
}

std::string shownName(const std::string& base_dir, const std::string& file) {
  auto rel = fs::path(file).lexically_relative(base_dir);
  if (!rel.empty() && rel.string().rfind("..", 0) != 0) return rel.string();
  return file;
}

}  // namespace

HubConfigConstSharedPtr loadConfig(const std::string& hub_yaml, const LoadOptions& opts,
                                   Diagnostics& diag) {
  auto cfg = std::make_shared<HubConfig>();
  std::error_code ec;
  cfg->config_file = fs::absolute(hub_yaml, ec).lexically_normal().string();
  cfg->base_dir = fs::path(cfg->config_file).parent_path().string();
  std::string shown = fs::path(hub_yaml).filename().string();
  YAML::Node doc = loadYamlFile(cfg->config_file, shown, diag);
  if (!doc.IsDefined()) return nullptr;
  MapReader root(doc, shown, "", diag);
  if (!root.valid()) {
    diag.error(shown + ": expected a mapping at the top level");
    return nullptr;
  }
  readHub(root, *cfg);
  readIntake(root, *cfg);
  readRest(root, *cfg, opts);
  readNotify(root, *cfg);
  MapReader lg = root.child("log");
  cfg->log.level = lg.str("level", false, cfg->log.level);
  if (log::Level l; !log::parseLevel(cfg->log.level, l))
    lg.error("level", "must be one of debug, info, warn, error");
  lg.finish();
  root.finish();

  // Partners first: routes refer to them.
  std::string partners = (fs::path(cfg->routes_dir) / "partners.yaml").string();
  loadPartners(partners, shownName(cfg->base_dir, partners), cfg->base_dir, opts, *cfg, diag);
  std::vector<std::string> route_files;
  if (fs::is_directory(cfg->routes_dir, ec)) {
    for (const auto& e : fs::directory_iterator(cfg->routes_dir, ec)) {
      auto name = e.path().filename().string();
      if (e.path().extension() != ".yaml" || name == "partners.yaml" || name == "required.yaml")
        continue;
      route_files.push_back(e.path().string());
    }
  } else {
    diag.error(shown + ": paths.routes: directory '" + cfg->routes_dir + "' does not exist");
  }
  std::sort(route_files.begin(), route_files.end());
  for (const auto& f : route_files) loadRoutes(f, shownName(cfg->base_dir, f), opts, *cfg, diag);
  if (cfg->routes.empty() && diag.ok()) diag.error(shown + ": no routes configured");
  if (diag.ok()) checkLegalDeadlines(*cfg, diag);
  if (diag.ok()) checkPriorDeliveries(*cfg, diag);
  std::string required = (fs::path(cfg->routes_dir) / "required.yaml").string();
  if (diag.ok() && fs::exists(required, ec))
    checkRequiredRecipients(required, shownName(cfg->base_dir, required), *cfg, diag);
  if (!diag.ok()) return nullptr;
  cfg->sources = diag.sources();
  return cfg;
}

}  // namespace hub::config
