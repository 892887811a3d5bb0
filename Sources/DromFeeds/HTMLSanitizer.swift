import CLibXML2
import DromModel
import Foundation

/// Makes partner HTML safe to show: an allowlist over libxml2's HTML parser.
///
/// Kept: text, paragraphs, links with safe schemes, lists, emphasis, headings (moved two levels
/// down, below the page's own), tables, quotes, code. Dropped with everything inside: script,
/// style, frames, objects, forms, SVG and MathML, templates. Other elements are unwrapped (their
/// text stays). Attributes are dropped except a short list; `lang` and `dir` stay everywhere.
public enum HTMLSanitizer {
  public struct Result: Equatable, Sendable {
    public var html: String
    /// The visible text, with blocks separated by one space: what search indexes.
    public var text: String
    /// What was removed because it could run code or load something, e.g. `<script>`.
    public var removed: [String]
  }

  public static func sanitize(_ markup: String, base: String? = nil) -> Result {
    // Plain text needs no parser: escape it and be done.
    if !markup.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) {
      let text = collapseWhitespace(markup)
      return Result(html: HTMLEscaping.escape(text), text: text, removed: [])
    }
    _ = LibXML.ready
    let options = Int32(
      HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
        | HTML_PARSE_COMPACT.rawValue)
    let document = markup.withCString { pointer in
      htmlReadMemory(pointer, Int32(strlen(pointer)), nil, "UTF-8", options)
    }
    guard let document else {
      let text = collapseWhitespace(markup)
      return Result(html: HTMLEscaping.escape(text), text: text, removed: [])
    }
    defer { xmlFreeDoc(document) }
    var writer = Writer(base: base)
    writer.walk(children: document.pointee.children)
    return Result(
      html: TextScanning.trim(String(decoding: writer.html, as: UTF8.self)),
      text: collapseWhitespace(String(decoding: writer.text, as: UTF8.self)),
      removed: writer.removed)
  }

  static func collapseWhitespace(_ text: String) -> String {
    TextScanning.collapseWhitespace(text)
  }

  static let safeSchemes: Set<String> = ["http", "https", "mailto", "tel"]

  /// Elements kept, with the attributes each may keep (besides `lang` and `dir`).
  private static let allowed: [String: Set<String>] = [
    "p": [], "br": [], "hr": [], "a": ["href", "title", "hreflang"],
    "ul": [], "ol": ["start"], "li": [], "dl": [], "dt": [], "dd": [],
    "em": [], "strong": [], "b": [], "i": [], "u": [], "s": [], "sub": [], "sup": [],
    "small": [], "mark": [], "abbr": ["title"], "cite": [], "q": [], "blockquote": [],
    "code": [], "pre": [], "kbd": [],
    "table": [], "caption": [], "thead": [], "tbody": [], "tfoot": [], "tr": [],
    "th": ["colspan", "rowspan", "scope"], "td": ["colspan", "rowspan"],
  ]

  /// Headings move down so a partner's `<h1>` never competes with the page's own.
  private static let headings: [String: String] = [
    "h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6",
  ]

  /// Elements removed with their content, because they run code, load things or take input.
  private static let dangerous: Set<String> = [
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
    "input", "button", "select", "textarea", "option", "svg", "math", "template", "link",
    "meta", "base", "noscript", "audio", "video", "source", "track", "canvas", "portal",
  ]

  /// Elements removed with their content that are harmless but have no place in an entry.
  private static let dropped: Set<String> = ["head", "title", "img", "picture", "map", "area"]

  private static let blocks: Set<String> = [
    "p", "br", "hr", "li", "dt", "dd", "blockquote", "pre", "tr", "td", "th", "caption",
    "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "article", "table", "ul", "ol",
  ]

  private struct Writer {
    let base: String?
    // UTF-8 buffers: building Strings piece by piece dominated the profile.
    var html: [UInt8] = []
    var text: [UInt8] = []
    var removed: [String] = []

    init(base: String?) {
      self.base = base
      html.reserveCapacity(1024)
      text.reserveCapacity(512)
    }

    mutating func note(_ what: String) {
      if !removed.contains(what) { removed.append(what) }
    }

    mutating func walk(children first: xmlNodePtr?) {
      var node = first
      while let current = node {
        visit(current)
        node = current.pointee.next
      }
    }

    private mutating func visit(_ node: xmlNodePtr) {
      switch node.pointee.type {
      case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
        if let content = node.pointee.content {
          let bytes = UnsafeBufferPointer(start: content, count: strlen(content))
          HTMLEscaping.append(bytes, to: &html)
          text.append(contentsOf: bytes)
        }
      case XML_ELEMENT_NODE:
        element(node)
      default:
        break  // comments, processing instructions, DTD nodes
      }
    }

    private mutating func append(_ string: String) {
      html.append(contentsOf: string.utf8)
    }

    private mutating func element(_ node: xmlNodePtr) {
      // libxml2's HTML parser gives element names in lowercase.
      let name = node.pointee.name.map { String(cString: $0) } ?? ""
      if HTMLSanitizer.dangerous.contains(name) {
        note("<\(name)>")
        return
      }
      if HTMLSanitizer.dropped.contains(name) { return }
      let isBlock = HTMLSanitizer.blocks.contains(name)
      if isBlock { text.append(0x20) }
      let outputName = HTMLSanitizer.headings[name] ?? name
      guard
        let allowedAttributes = HTMLSanitizer.allowed[name]
          ?? (HTMLSanitizer.headings[name] != nil ? [] : nil)
      else {
        // Unknown or presentational (div, span, font): keep what is inside.
        checkAttributes(node, allowed: [])
        walk(children: node.pointee.children)
        if isBlock { text.append(0x20) }
        return
      }
      var attributes = checkAttributes(node, allowed: allowedAttributes)
      if name == "a" {
        if let index = attributes.firstIndex(where: { $0.0 == "href" }) {
          if let safe = safeLink(attributes[index].1) {
            attributes[index].1 = safe
            attributes.append(("rel", "nofollow noopener noreferrer"))
          } else {
            attributes.remove(at: index)
          }
        }
      }
      html.append(UInt8(ascii: "<"))
      append(outputName)
      for (attributeName, value) in attributes {
        html.append(0x20)
        append(attributeName)
        html.append(contentsOf: "=\"".utf8)
        HTMLEscaping.append(value.utf8, to: &html)
        html.append(UInt8(ascii: "\""))
      }
      html.append(UInt8(ascii: ">"))
      if name == "br" || name == "hr" {
        if isBlock { text.append(0x20) }
        return
      }
      walk(children: node.pointee.children)
      html.append(contentsOf: "</".utf8)
      append(outputName)
      html.append(UInt8(ascii: ">"))
      if isBlock { text.append(0x20) }
    }

    /// The attributes to keep; notes event handlers and styles that were removed.
    @discardableResult
    private mutating func checkAttributes(_ node: xmlNodePtr, allowed: Set<String>) -> [(
      String, String
    )] {
      var kept: [(String, String)] = []
      var attribute = node.pointee.properties
      while let current = attribute {
        defer { attribute = current.pointee.next }
        guard let rawName = current.pointee.name else { continue }
        let name = String(cString: rawName).lowercased()
        if name.hasPrefix("on") {
          note("the \(name) attribute")
          continue
        }
        if name == "style" {
          note("the style attribute")
          continue
        }
        guard allowed.contains(name) || name == "lang" || name == "dir" else { continue }
        kept.append((name, attributeValue(current)))
      }
      return kept
    }

    /// The text of an attribute (libxml2 keeps it as a list of text nodes).
    private func attributeValue(_ attribute: xmlAttrPtr) -> String {
      var value = ""
      var child = attribute.pointee.children
      while let current = child {
        if let content = current.pointee.content { value += String(cString: content) }
        child = current.pointee.next
      }
      return value
    }

    /// An absolute link with a safe scheme, or nil. Browsers ignore tabs, new lines and leading
    /// control characters in a scheme (`java&#9;script:`), so the check does too.
    private mutating func safeLink(_ raw: String) -> String? {
      let cleaned = String(decoding: raw.utf8.filter { $0 > 0x20 && $0 != 0x7F }, as: UTF8.self)
      guard !cleaned.isEmpty else { return nil }
      if let scheme = URLResolver.scheme(of: cleaned) {
        guard HTMLSanitizer.safeSchemes.contains(scheme) else {
          note("a \(scheme): link")
          return nil
        }
        return cleaned
      }
      if cleaned.hasPrefix("#") { return cleaned }
      let resolved = URLResolver.resolve(cleaned, against: base)
      if let scheme = URLResolver.scheme(of: resolved), HTMLSanitizer.safeSchemes.contains(scheme) {
        return resolved
      }
      // A relative link with no base to resolve it against cannot work on Drom's pages.
      return nil
    }
  }
}
