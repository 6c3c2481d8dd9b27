#pragma once
// Internal to hub/xml: the libxslt security preferences shared by XmlRuntime and Stylesheet.
struct _xsltSecurityPrefs;

namespace hub::xml::internal {

// The process-wide forbidding preferences; created by XmlRuntime, nullptr before that.
_xsltSecurityPrefs* securityPrefs();

}  // namespace hub::xml::internal
