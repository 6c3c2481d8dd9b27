#include "hub/audit/trail_reader.h"

#include <fstream>
#include <set>

#include "hub/audit/day_files.h"
#include "hub/core/error_codes.h"
#include "hub/core/time_format.h"

namespace hub::audit {
namespace bj = boost::json;
namespace {

std::string anchorOf(const ParsedLine& p) {
  const auto* action = p.fields.if_contains("action");
  const auto* detail = p.fields.if_contains("detail");
  if (!action || !detail || !action->is_string() || !detail->is_string() ||
      action->as_string() != "audit_purged")
    return {};
  std::string_view d = detail->as_string();
  auto pos = d.find("anchor=");
  if (pos == std::string_view::npos) return {};
  return std::string(d.substr(pos + 7, 64));
}

// Reads a file line by line; an incomplete last line is reported through `torn`.
template <class F>
Result<void> eachLine(const std::string& path, bool& torn, F&& f) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(errc::kIo, "cannot open " + path);
  std::string line;
  int64_t n = 0;
  torn = false;
  while (std::getline(in, line)) {
    ++n;
    if (in.eof()) {  // no '\n' after it
      torn = true;
      break;
    }
    if (!f(line, n)) return {};
  }
  if (in.bad()) return unexpected(errc::kIo, "cannot read " + path);
  return {};
}

}  // namespace

Result<VerifyReport> walkTrail(const std::string& dir,
                               const std::function<void(const ParsedLine&)>& on_record) {
  auto files = listDayFiles(dir);
  if (!files) return unexpected(files.error());
  VerifyReport rep;
  rep.files = static_cast<int>(files->size());
  std::string head;  // the previous record's hash; empty before the first record
  std::string pending_anchor;
  std::string first_file;
  std::set<std::string> anchors;
  for (size_t i = 0; i < files->size() && rep.ok(); ++i) {
    const auto& f = (*files)[i];
    bool torn = false;
    auto r = eachLine(f.path, torn, [&](const std::string& line, int64_t n) {
      auto broken = [&](int64_t seq, std::string why) {
        rep.file = f.path;
        rep.line = n;
        rep.seq = seq;
        rep.why = std::move(why);
        return false;
      };
      auto p = parseLine(line);
      if (!p) return broken(0, "not a sealed audit record: " + p.error().message);
      if (!p->hash_ok)
        return broken(p->seq, "record " + std::to_string(p->seq) +
                                  " was changed: its hash does not match its content");
      if (head.empty()) {
        rep.first_seq = p->seq;
        first_file = f.path;
        if (p->prev != kGenesis) pending_anchor = p->prev;
      } else if (p->seq != rep.last_seq + 1) {
        if (p->seq > rep.last_seq + 1)
          return broken(p->seq, "records " + std::to_string(rep.last_seq + 1) + ".." +
                                    std::to_string(p->seq - 1) + " are missing (removed)");
        return broken(p->seq, "record " + std::to_string(p->seq) + " follows record " +
                                  std::to_string(rep.last_seq) + ": inserted or reordered");
      } else if (p->prev != head) {
        return broken(p->seq, "record " + std::to_string(p->seq) + " does not link to record " +
                                  std::to_string(rep.last_seq) +
                                  ": that record was replaced, or this one inserted");
      }
      if (auto a = anchorOf(*p); !a.empty()) anchors.insert(a);
      head = p->hash;
      rep.last_seq = p->seq;
      ++rep.records;
      if (on_record) on_record(*p);
      return true;
    });
    if (!r) return unexpected(r.error());
    if (rep.ok() && torn && i + 1 < files->size()) {
      rep.file = f.path;
      rep.seq = rep.last_seq + 1;
      rep.why = "the file ends in an incomplete record, and the chain goes on in a later file";
    }
  }
  if (rep.ok() && !pending_anchor.empty()) {
    if (anchors.count(pending_anchor)) {
      rep.anchor = pending_anchor;
    } else {
      rep.file = first_file;
      rep.line = 1;
      rep.seq = rep.first_seq;
      rep.why = "the trail starts at record " + std::to_string(rep.first_seq) +
                ", whose predecessor is missing and is not the anchor of a retention purge: "
                "earlier records were removed";
    }
  }
  return rep;
}

bj::object reportJson(const VerifyReport& r) {
  bj::object o{{"intact", r.ok()},
               {"records", r.records},
               {"files", r.files},
               {"first_seq", r.first_seq},
               {"last_seq", r.last_seq}};
  if (!r.anchor.empty()) o["anchor"] = r.anchor;
  if (!r.ok())
    o["first_broken"] =
        bj::object{{"file", r.file}, {"line", r.line}, {"seq", r.seq}, {"why", r.why}};
  return o;
}

Result<bj::object> exportCase(const std::string& dir, const std::string& case_id, int64_t now_ms) {
  bj::array records;
  auto rep = walkTrail(dir, [&](const ParsedLine& p) {
    const auto* c = p.fields.if_contains("case_id");
    if (c && c->is_string() && c->as_string() == case_id) records.push_back(p.fields);
  });
  if (!rep) return unexpected(rep.error());
  return bj::object{{"case_id", case_id},
                    {"exported_at", formatRfc3339Utc(now_ms)},
                    {"chain", reportJson(*rep)},
                    {"records", std::move(records)}};
}

}  // namespace hub::audit
