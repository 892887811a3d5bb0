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

/// One subtree of a feed (an entry, or a piece of feed metadata) in a few flat arrays: the unit
/// the streaming parser hands over.
///
/// Only small subtrees are ever built, never the whole document, so memory stays flat however
/// long the feed is. An entry's elements share one text buffer in document order, so the text of
/// any element (its descendants' included) is one slice of it, turned into a `String` only when
/// an adapter asks. A tree of objects, one per element and text, cost an entry dozens of
/// allocations and most of the reader's time.
final class XMLSubtree {
  struct Element {
    let name: QName
    /// The effective `xml:lang` and `xml:base` here, inherited from the ancestors.
    let lang: String?
    let base: String?
    let line: Int
    let column: Int
    /// The element's attributes: `attributes[attributeStart..<attributeEnd]`.
    let attributeStart: Int
    let attributeEnd: Int
    /// All text inside, descendants' included: `text[textStart..<textEnd]`.
    let textStart: Int
    var textEnd: Int
    var firstChild = -1
    var lastChild = -1
    var nextSibling = -1
  }

  /// Elements in document order; the root is element 0.
  private(set) var elements: [Element] = []
  /// Attributes in document order. `xml:lang` and `xml:base` are kept here too.
  private(set) var attributes: [(name: QName, value: String)] = []
  /// The text of every element, as UTF-8, in document order.
  private(set) var text: [UInt8] = []

  init() {
    // An entry of a typical feed fits without growing any of them.
    elements.reserveCapacity(32)
    attributes.reserveCapacity(16)
    text.reserveCapacity(4096)
  }

  var root: XMLNode { XMLNode(tree: self, index: 0) }

  // MARK: - Building (by the stream parser, in document order)

  /// Opens an element under `parent` (-1 for the root); returns its index.
  func open(
    _ name: QName, attributes newAttributes: some Collection<(name: QName, value: String)>,
    lang: String?, base: String?, line: Int, column: Int, parent: Int
  ) -> Int {
    let index = elements.count
    let attributeStart = attributes.count
    attributes.append(contentsOf: newAttributes)
    elements.append(
      Element(
        name: name, lang: lang, base: base, line: line, column: column,
        attributeStart: attributeStart, attributeEnd: attributes.count, textStart: text.count,
        textEnd: text.count))
    if parent >= 0 {
      let previous = elements[parent].lastChild
      if previous >= 0 {
        elements[previous].nextSibling = index
      } else {
        elements[parent].firstChild = index
      }
      elements[parent].lastChild = index
    }
    return index
  }

  func close(_ index: Int) {
    elements[index].textEnd = text.count
  }

  func appendText(_ bytes: UnsafeBufferPointer<UInt8>) {
    text.append(contentsOf: bytes)
  }

  var textCount: Int { text.count }

  /// Replaces the text from `start` to the end (the run just read), for a repair.
  func replaceText(from start: Int, with replacement: some Collection<UInt8>) {
    text.replaceSubrange(start..., with: replacement)
  }

  func withText<Result>(
    from start: Int, to end: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result
  ) -> Result {
    text.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
  }
}

/// One element of a subtree: a position in its `XMLSubtree`, cheap to copy.
struct XMLNode {
  enum Child {
    case element(XMLNode)
    case text(String)
  }

  let tree: XMLSubtree
  let index: Int

  var name: QName { tree.elements[index].name }
  var lang: String? { tree.elements[index].lang }
  var base: String? { tree.elements[index].base }
  var line: Int { tree.elements[index].line }
  var column: Int { tree.elements[index].column }

  /// Attributes in document order. `xml:lang` and `xml:base` are kept here too.
  var attributes: ArraySlice<(name: QName, value: String)> {
    tree.attributes[tree.elements[index].attributeStart..<tree.elements[index].attributeEnd]
  }

  func attribute(_ local: String, namespace: String = "") -> String? {
    let (start, end) = (tree.elements[index].attributeStart, tree.elements[index].attributeEnd)
    guard start < end else { return nil }
    return tree.attributes.withUnsafeBufferPointer { attributes in
      for index in start..<end
      where attributes[index].name.local == local && attributes[index].name.namespace == namespace {
        return attributes[index].value
      }
      return nil
    }
  }

  /// The element children, in document order.
  var elements: [XMLNode] {
    var children: [XMLNode] = []
    var child = tree.elements[index].firstChild
    while child >= 0 {
      children.append(XMLNode(tree: tree, index: child))
      child = tree.elements[child].nextSibling
    }
    return children
  }

  /// Text and elements in document order: the text between elements is the gap between their
  /// slices of the subtree's text.
  var children: [Child] {
    var children: [Child] = []
    var textFrom = tree.elements[index].textStart
    var child = tree.elements[index].firstChild
    while child >= 0 {
      let element = tree.elements[child]
      if element.textStart > textFrom {
        children.append(.text(string(textFrom, element.textStart)))
      }
      children.append(.element(XMLNode(tree: tree, index: child)))
      textFrom = element.textEnd
      child = element.nextSibling
    }
    let end = tree.elements[index].textEnd
    if end > textFrom { children.append(.text(string(textFrom, end))) }
    return children
  }

  func all(_ namespace: String, _ local: String) -> [XMLNode] {
    var found: [XMLNode] = []
    forEachChild(named: namespace, local) {
      found.append($0)
      return true
    }
    return found
  }

  func first(_ namespace: String, _ local: String) -> XMLNode? {
    var found: XMLNode?
    forEachChild(named: namespace, local) {
      found = $0
      return false
    }
    return found
  }

  /// Calls `body` with each child element and its name, in document order: one pass for the
  /// raw types that read many children (an RSS item, the profile's elements).
  func forEachElement(_ body: (_ child: XMLNode, _ name: borrowing QName) -> Void) {
    tree.elements.withUnsafeBufferPointer { elements in
      var child = elements[index].firstChild
      while child >= 0 {
        body(XMLNode(tree: tree, index: child), elements[child].name)
        child = elements[child].nextSibling
      }
    }
  }

  /// Calls `body` with each child element of this name until it returns false. The names are
  /// compared in place: copying an element out of the array retains every string it holds.
  private func forEachChild(
    named namespace: String, _ local: String, _ body: (XMLNode) -> Bool
  ) {
    tree.elements.withUnsafeBufferPointer { elements in
      var child = elements[index].firstChild
      while child >= 0 {
        if elements[child].name.local == local && elements[child].name.namespace == namespace {
          guard body(XMLNode(tree: tree, index: child)) else { return }
        }
        child = elements[child].nextSibling
      }
    }
  }

  /// All text inside, descendants included, in document order.
  var text: String {
    string(tree.elements[index].textStart, tree.elements[index].textEnd)
  }

  /// The UTF-8 of all text inside, for readers of bytes (the HTML sanitiser).
  func withText<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
    tree.withText(from: tree.elements[index].textStart, to: tree.elements[index].textEnd, body)
  }

  /// The text with surrounding white space removed, or nil when that leaves nothing.
  var trimmedText: String? {
    withText { bytes in
      let trimmed = TextScanning.trimmed(bytes)
      return trimmed.isEmpty ? nil : String(decoding: trimmed, as: UTF8.self)
    }
  }

  /// True when the text is nothing but white space.
  var isBlank: Bool {
    withText { TextScanning.trimmed($0).isEmpty }
  }

  /// Trimmed text of the first child element with this name.
  func text(_ namespace: String, _ local: String) -> String? {
    first(namespace, local)?.trimmedText
  }

  private func string(_ start: Int, _ end: Int) -> String {
    tree.withText(from: start, to: end) { String(decoding: $0, as: UTF8.self) }
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

extension XMLNode? {
  /// For raw types read in one pass over the children: the first element of a name counts, as
  /// with `first(_:_:)`.
  mutating func keepFirst(_ child: XMLNode) {
    if self == nil { self = child }
  }
}
