#include "hub/xml/json_to_xml.h"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <cctype>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_set>
#include <vector>

#include "hub/core/error_codes.h"
#include "hub/xml/json_diagnostics.h"
#include "hub/xml/xml_chars.h"

namespace hub::xml {
namespace {

namespace json = boost::json;
using json::error_code;
using json::string_view;

// The keys of one object, for the duplicate check: a short list scanned in order (most objects
// have a handful of keys), a hash set once the object grows, so that an object of a hundred
// thousand keys costs linear time, not quadratic.
class KeySet {
 public:
  // False when `key` was already there.
  bool insert(const std::string& key) {
    if (set_.empty()) {
      if (std::find(list_.begin(), list_.end(), key) != list_.end()) return false;
      list_.push_back(key);
      if (list_.size() > kListMax) {
        set_.insert(list_.begin(), list_.end());
        list_.clear();
      }
      return true;
    }
    return set_.insert(key).second;
  }

 private:
  static constexpr size_t kListMax = 16;
  std::vector<std::string> list_;
  std::unordered_set<std::string> set_;
};

class XmlWriter {
 public:
  constexpr static std::size_t max_object_size = std::size_t(-1);
  constexpr static std::size_t max_array_size = std::size_t(-1);
  constexpr static std::size_t max_key_size = std::size_t(-1);
  constexpr static std::size_t max_string_size = std::size_t(-1);

  XmlWriter(const JsonLimits& limits, size_t size_hint) : limits_(limits) {
    out_.reserve(std::min(size_hint + size_hint / 2 + 128, limits.max_output_bytes));
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

  bool on_object_begin(error_code& ec) {
    if (frames_.empty()) {
      if (!countElement(ec)) return false;
      frames_.push_back(Frame{false, "event", {}, 0, {}});
      out_ += "<event xmlns:xsi=\"";
      out_ += kXsiNamespace;
      out_ += "\">";
      return true;
    }
    if (!checkDepth(ec)) return false;
    std::string name = valueName();
    if (!open(name, ec)) return false;
    frames_.push_back(Frame{false, std::move(name), valueToken(), 0, {}});
    return true;
  }

  bool on_object_end(std::size_t, error_code& ec) {
    if (!close(frames_.back().name, ec)) return false;
    frames_.pop_back();
    afterValue();
    return true;
  }

  bool on_array_begin(error_code& ec) {
    if (frames_.empty()) return fail(ec, errc::kInvalidInput, "top level must be a JSON object");
    if (frames_.back().is_array) {
      return fail(ec, errc::kInvalidInput,
                  "an array directly inside an array has no XML element name");
    }
    if (!checkDepth(ec)) return false;
    frames_.push_back(Frame{true, key_, key_, 0, {}});
    return true;
  }

  bool on_array_end(std::size_t n, error_code& ec) {
    if (n == 0) {
      if (!countElement(ec) || !outputFits(ec, frames_.back().name.size() + 64)) return false;
      out_ += '<';
      out_ += frames_.back().name;
      out_ += " json:array=\"empty\" xmlns:json=\"";
      out_ += kJsonNamespace;
      out_ += "\"/>";
    }
    frames_.pop_back();
    afterValue();
    return true;
  }

  bool on_key_part(string_view s, std::size_t, error_code& ec) { return appendPart(s, ec); }

  bool on_key(string_view s, std::size_t, error_code& ec) {
    if (!appendPart(s, ec)) return false;
    key_.swap(buf_);
    buf_.clear();
    // A key that is no XML name may be any text (a name, a number): it is never quoted, the
    // pointer of its object says where it is. A key that passed is a field name and may be.
    if (std::string why = internal::elementNameProblem(key_); !why.empty()) {
      return failAt(objectPointer(), ec, errc::kInvalidInput, "a key that " + why);
    }
    if (!frames_.back().keys.insert(key_)) {
      return failAt(objectPointer(), ec, errc::kInvalidInput, "duplicate key '" + key_ + "'");
    }
    return true;
  }

  bool on_string_part(string_view s, std::size_t, error_code& ec) { return appendPart(s, ec); }

  bool on_string(string_view s, std::size_t, error_code& ec) {
    if (!appendPart(s, ec)) return false;
    if (!scalarAllowed(ec)) return false;
    const std::string name = valueName();
    if (!open(name, ec)) return false;
    if (!appendEscaped(buf_, ec)) return false;
    buf_.clear();
    if (!close(name, ec)) return false;
    afterValue();
    return true;
  }

  bool on_number_part(string_view s, error_code&) {
    num_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(int64_t, string_view s, error_code& ec) { return number(s, ec); }
  bool on_uint64(uint64_t, string_view s, error_code& ec) { return number(s, ec); }
  bool on_double(double d, string_view s, error_code& ec) {
    if (!std::isfinite(d)) {
      return fail(ec, errc::kInvalidInput, "number out of range (not a finite double)");
    }
    if (d == 0) {
      std::string text = num_ + std::string(s.data(), s.size());
      const std::string mantissa = text.substr(0, text.find_first_of("eE"));
      if (mantissa.find_first_of("123456789") != std::string::npos) {
        return fail(ec, errc::kInvalidInput, "number out of range (underflows to zero)");
      }
    }
    return number(s, ec);
  }

  bool on_bool(bool b, error_code& ec) { return scalarText(b ? "true" : "false", ec); }

  bool on_null(error_code& ec) {
    if (!scalarAllowed(ec)) return false;
    if (!countElement(ec) || !outputFits(ec, valueName().size() + 20)) return false;
    out_ += '<';
    out_ += valueName();
    out_ += " xsi:nil=\"true\"/>";
    afterValue();
    return true;
  }

  std::string& output() { return out_; }
  const Error& error() const { return error_; }
  bool failed() const { return !error_.code.empty(); }
  std::string pointer() const { return pointerOf(valueToken()); }

 private:
  struct Frame {
    bool is_array;
    std::string name;   // element name of the object / key of the array
    std::string token;  // JSON pointer token leading here ("" for the root)
    size_t index;       // arrays: index of the next element
    KeySet keys;        // objects: keys seen so far
  };

  // A pointer token as messages show it: a key past 64 bytes is cut at a character boundary and
  // marked, so that a reason stays short however long the keys.
  static std::string shown(const std::string& token) {
    constexpr size_t kMax = 64;
    if (token.size() <= kMax) return token;
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(token[cut]) & 0xC0) == 0x80) --cut;
    return token.substr(0, cut) + "...";
  }

  // Pointer token of the value being read now.
  std::string valueToken() const {
    if (frames_.empty()) return {};
    const Frame& top = frames_.back();
    return top.is_array ? std::to_string(top.index) : key_;
  }

  std::string pointerOf(const std::string& last) const {
    std::string p;
    for (size_t i = 1; i < frames_.size(); ++i) p += "/" + shown(frames_[i].token);
    if (!frames_.empty() && (frames_.back().is_array || !last.empty())) p += "/" + shown(last);
    return p.empty() ? "(root)" : p;
  }

  // Pointer of the object being read (for key errors).
  std::string objectPointer() const {
    std::string p;
    for (size_t i = 1; i < frames_.size(); ++i) p += "/" + shown(frames_[i].token);
    return p.empty() ? "(root)" : p;
  }

  // Element name of the value being read now: the member's key, or the array's key.
  const std::string& valueName() const {
    return frames_.back().is_array ? frames_.back().name : key_;
  }

  void afterValue() {
    if (frames_.empty()) return;
    if (frames_.back().is_array) {
      ++frames_.back().index;
    } else {
      key_.clear();  // between members the pointer names the object itself
    }
  }

  bool open(const std::string& name, error_code& ec) {
    if (!countElement(ec) || !outputFits(ec, name.size() + 2)) return false;
    out_ += '<';
    out_ += name;
    out_ += '>';
    return true;
  }
  bool close(const std::string& name, error_code& ec) {
    if (!outputFits(ec, name.size() + 3)) return false;
    out_ += "</";
    out_ += name;
    out_ += '>';
    return true;
  }

  // Bytes `s` takes once escaped (appendEscapedText's rule).
  static size_t escapedSize(const std::string& s) {
    size_t n = s.size();
    for (char c : s) {
      if (c == '&' || c == '\r') n += 4;
      if (c == '<' || c == '>') n += 3;
    }
    return n;
  }

  // The resource bounds (JsonLimits), each checked as the conversion goes.
  bool countElement(error_code& ec) {
    if (++elements_ <= limits_.max_elements) return true;
    return fail(ec, errc::kTooLarge,
                "more than " + std::to_string(limits_.max_elements) + " elements");
  }
  // Also keeps the output's capacity within the bound (plain doubling would reserve up to twice
  // the bound): a message that nears the bound costs the bound, not more.
  bool outputFits(error_code& ec, size_t more = 0) {
    const size_t need = out_.size() + more;
    if (need <= limits_.max_output_bytes) {
      if (need > out_.capacity())
        out_.reserve(std::min(std::max(need, 2 * out_.capacity()), limits_.max_output_bytes));
      return true;
    }
    return fail(
        ec, errc::kTooLarge,
        "the XML form exceeds " + std::to_string(limits_.max_output_bytes) + " bytes of XML");
  }
  bool appendPart(string_view s, error_code& ec) {
    if (buf_.size() + s.size() > limits_.max_string_bytes) {
      return fail(
          ec, errc::kTooLarge,
          "a string or key longer than " + std::to_string(limits_.max_string_bytes) + " bytes");
    }
    buf_.append(s.data(), s.size());
    return true;
  }

  bool checkDepth(error_code& ec) {
    if (frames_.size() + 1 > limits_.max_depth) {
      return fail(ec, errc::kInvalidInput,
                  "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    return true;
  }

  bool scalarAllowed(error_code& ec) {
    if (frames_.empty()) return fail(ec, errc::kInvalidInput, "top level must be a JSON object");
    return true;
  }

  bool scalarText(const char* text, error_code& ec) {
    if (!scalarAllowed(ec)) return false;
    const std::string& name = valueName();
    if (!open(name, ec) || !outputFits(ec, std::strlen(text))) return false;
    out_ += text;
    if (!close(name, ec)) return false;
    afterValue();
    return true;
  }

  bool number(string_view s, error_code& ec) {
    num_.append(s.data(), s.size());
    const bool ok = scalarText(num_.c_str(), ec);
    num_.clear();
    return ok;
  }

  // Validates UTF-8 and XML 1.0 characters while escaping into out_.
  bool appendEscaped(const std::string& s, error_code& ec) {
    // Before the output grows. Escaping at most quintuples a byte (& -> &amp;): when even that
    // fits the capacity already there (and the bound), nothing can grow and `s` is read once;
    // otherwise its exact escaped size is counted and reserved (outputFits keeps the bound).
    const size_t room = std::min(out_.capacity(), limits_.max_output_bytes);
    const bool surely_fits = out_.size() + 5 * s.size() <= room;
    if (!surely_fits && !outputFits(ec, escapedSize(s))) return false;
    const internal::TextProblem p = internal::appendEscapedText(s, out_);
    switch (p.kind) {
      case internal::TextProblem::kNone:
        return true;
      case internal::TextProblem::kBadUtf8:
        return fail(ec, errc::kInvalidInput,
                    "string is not valid UTF-8 (byte " + std::to_string(p.offset) + ")");
      case internal::TextProblem::kNotXmlChar:
        break;
    }
    return fail(ec, errc::kInvalidInput,
                "string contains " + internal::codePointText(p.code_point) +
                    ", which XML 1.0 cannot carry");
  }

  bool fail(error_code& ec, const char* code, const std::string& what) {
    return failAt(pointer(), ec, code, what);
  }
  bool failAt(const std::string& where, error_code& ec, const char* code, const std::string& what) {
    error_ = Error{code, where + ": " + what};
    ec = json::error::syntax;  // any error stops the parser; error_ holds the real reason
    return false;
  }

  const JsonLimits limits_;
  size_t elements_ = 0;
  std::string out_;
  std::vector<Frame> frames_;
  std::string key_;  // the key of the member being read
  std::string buf_;  // string / key parts
  std::string num_;  // number parts
  Error error_;
};

}  // namespace

Result<std::string> jsonToXml(std::string_view json_text, const JsonLimits& limits) {
  json::parse_options opts;
  opts.max_depth = limits.max_depth + 2;  // our own bound triggers first, with a pointer
  opts.allow_invalid_utf8 = true;         // checked by XmlWriter, with a pointer
  json::basic_parser<XmlWriter> parser(opts, limits, json_text.size());
  error_code ec;
  const size_t used = parser.write_some(false, json_text.data(), json_text.size(), ec);
  XmlWriter& w = parser.handler();
  if (w.failed()) return unexpected(w.error());
  if (ec) {
    const std::string where = internal::position(json_text, used);
    if (ec == json::error::illegal_leading_surrogate ||
        ec == json::error::illegal_trailing_surrogate ||
        (ec == json::error::syntax && internal::endsWithLeadingSurrogateEscape(json_text, used))) {
      return unexpected(errc::kInvalidInput,
                        w.pointer() + ": string contains a lone surrogate (\\u escape) at " +
                            where + ", which XML 1.0 cannot carry");
    }
    if (ec == json::error::exponent_overflow) {
      return unexpected(errc::kInvalidInput, w.pointer() + ": number out of range at " + where);
    }
    if (ec == json::error::too_deep) {
      return unexpected(errc::kInvalidInput, w.pointer() + ": nesting too deep at " + where);
    }
    return unexpected(errc::kNotJson, w.pointer() + ": not JSON at " + where + ": " + ec.message());
  }
  if (used < json_text.size()) {
    return unexpected(errc::kNotJson, "(root): not JSON at " + internal::position(json_text, used) +
                                          ": extra data after the JSON value");
  }
  return std::move(w.output());
}

}  // namespace hub::xml
