#include "hub/dsig/c14n.h"

#include <libxml/c14n.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"

namespace hub::dsig {
namespace {

int closeOutput(xmlOutputBufferPtr out) { return xmlOutputBufferClose(out); }
using OutputPtr = CPtr<xmlOutputBuffer, closeOutput>;

// libxml2 asks for every node of the document; namespace nodes come with their element.
int insideSubtree(void* user_data, xmlNodePtr node, xmlNodePtr parent) {
  const auto* top = static_cast<const xmlNode*>(user_data);
  const xmlNode* n = node->type == XML_NAMESPACE_DECL ? parent : node;
  for (; n != nullptr; n = n->parent) {
    if (n == top) return 1;
  }
  return 0;
}

Result<std::string> run(xmlDocPtr doc, xmlC14NIsVisibleCallback visible, void* user_data) {
  if (doc == nullptr) return unexpected(errc::kSigning, "c14n: no document");
  OutputPtr out(xmlAllocOutputBuffer(nullptr));
  if (!out) return unexpected(errc::kSigning, "c14n: out of memory");
  if (xmlC14NExecute(doc, visible, user_data, XML_C14N_EXCLUSIVE_1_0, nullptr, 0, out.get()) < 0) {
    return unexpected(errc::kSigning, "c14n: libxml2 could not canonicalise the document");
  }
  const xmlChar* content = xmlOutputBufferGetContent(out.get());
  const size_t size = xmlOutputBufferGetSize(out.get());
  return std::string(reinterpret_cast<const char*>(content), size);
}

}  // namespace

Result<std::string> exclusiveC14n(_xmlDoc* doc) { return run(doc, nullptr, nullptr); }

Result<std::string> exclusiveC14nSubtree(_xmlDoc* doc, const _xmlNode* element) {
  if (element == nullptr) return unexpected(errc::kSigning, "c14n: no element");
  return run(doc, insideSubtree, const_cast<xmlNode*>(element));
}

}  // namespace hub::dsig
