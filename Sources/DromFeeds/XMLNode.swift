import Foundation

/// A qualified XML name: namespace URI (empty for none) and local name.
struct QName: Hashable, Sendable {
  var namespace: String
  var local: String

  init(_ namespace: String, _ local: String) {
    self.namespace = namespace
    self.local = local
  }
}

/// One element of a feed, with its subtree: the unit the streaming parser hands over.
///
/// Only small subtrees are ever built (one entry, or one piece of feed metadata), never the
/// whole document, so memory stays flat however long the feed is.
final class XMLNode {
  enum Child {
    case element(XMLNode)
    case text(String)
  }

  let name: QName
  /// Attributes in document order. `xml:lang` and `xml:base` are kept here too.
  let attributes: [(name: QName, value: String)]
  /// Text and elements in document order.
  private(set) var children: [Child] = []
  /// The element children alone, for lookups by name: scanning `children` for them copied
  /// (and retained) every child on every lookup, and an entry's adapters make dozens.
  private(set) var elements: [XMLNode] = []
  /// The effective `xml:lang` and `xml:base` here, inherited from the ancestors.
  let lang: String?
  let base: String?
  let line: Int
  let column: Int

  init(
    name: QName, attributes: [(name: QName, value: String)], lang: String?, base: String?,
    line: Int, column: Int
  ) {
    self.name = name
    self.attributes = attributes
    self.lang = lang
    self.base = base
    self.line = line
    self.column = column
  }

  func attribute(_ local: String, namespace: String = "") -> String? {
    attributes.first { $0.name.local == local && $0.name.namespace == namespace }?.value
  }

  func append(element: XMLNode) {
    children.append(.element(element))
    elements.append(element)
  }

  func append(text: String) {
    children.append(.text(text))
  }

  func all(_ namespace: String, _ local: String) -> [XMLNode] {
    elements.filter { $0.name.local == local && $0.name.namespace == namespace }
  }

  func first(_ namespace: String, _ local: String) -> XMLNode? {
    elements.first { $0.name.local == local && $0.name.namespace == namespace }
  }

  /// All text inside, descendants included, in document order.
  var text: String {
    if children.count == 1, case .text(let only) = children[0] { return only }
    var out = ""
    appendText(to: &out)
    return out
  }

  private func appendText(to out: inout String) {
    for child in children {
      switch child {
      case .text(let text): out += text
      case .element(let node): node.appendText(to: &out)
      }
    }
  }

  /// The text with surrounding white space removed, or nil when that leaves nothing.
  var trimmedText: String? {
    let value = TextScanning.trim(text)
    return value.isEmpty ? nil : value
  }

  /// Trimmed text of the first child element with this name.
  func text(_ namespace: String, _ local: String) -> String? {
    first(namespace, local)?.trimmedText
  }

  /// Serialises the children as markup (for Atom `type="xhtml"` content), escaping text.
  var innerMarkup: String {
    var out = ""
    for child in children {
      switch child {
      case .text(let text): out += HTMLEscaping.escape(text)
      case .element(let node): node.appendMarkup(to: &out)
      }
    }
    return out
  }

  private func appendMarkup(to out: inout String) {
    out += "<" + name.local
    for (attributeName, value) in attributes where attributeName.namespace.isEmpty {
      out += " " + attributeName.local + "=\"" + HTMLEscaping.escape(value) + "\""
    }
    out += ">"
    out += innerMarkup
    out += "</" + name.local + ">"
  }
}
