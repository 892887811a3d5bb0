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

  /// - Parameter keepingHTML: false when only the text is wanted (an RSS description beside
  ///   `content:encoded` becomes the summary, never shown as HTML): `html` is then empty.
  ///   Everything else, `removed` included, is as with the HTML.
  public static func sanitize(_ markup: String, base: String? = nil, keepingHTML: Bool = true)
    -> Result
  {
    var markup = markup
    return markup.withUTF8 { bytes in
      sanitize(bytes, base: base, keepingHTML: keepingHTML, with: HTMLFragmentParser())
    }
  }

  /// Sanitises UTF-8 markup with a thread's reusable parser (see `HTMLFragmentParser`).
  static func sanitize(
    _ bytes: UnsafeBufferPointer<UInt8>, base: String? = nil, keepingHTML: Bool = true,
    with parser: HTMLFragmentParser
  ) -> Result {
    // Plain text needs no parser: escape it and be done. (So too when libxml2 cannot start.)
    func plainText() -> Result {
      let text = TextScanning.collapseWhitespace(bytes: bytes)
      return Result(html: keepingHTML ? HTMLEscaping.escape(text) : "", text: text, removed: [])
    }
    guard needsParser(bytes) else { return plainText() }
    guard let writer = parser.parse(bytes, base: base, keepingHTML: keepingHTML) else {
      return plainText()
    }
    return Result(
      html: String(decoding: TextScanning.trimmed(writer.html.bytes), as: UTF8.self),
      text: String(decoding: writer.text.bytes, as: UTF8.self),
      removed: writer.removed)
  }

  /// Markup (`<`, `&`), or characters HTML has no place for (C0 controls other than white
  /// space, U+FFFE, U+FFFF), which the parser drops: text without any takes the fast path.
  /// Both paths must give the same text for the same characters.
  private static func needsParser(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    for (index, byte) in bytes.enumerated() {
      switch byte {
      case UInt8(ascii: "<"), UInt8(ascii: "&"): return true
      case 0x09, 0x0A, 0x0D: continue
      case ..<0x20: return true
      case 0xEF:
        if index + 2 < bytes.count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
          return true
        }
      default: continue
      }
    }
    return false
  }

  static func collapseWhitespace(_ text: String) -> String {
    TextScanning.collapseWhitespace(text)
  }

  static let safeSchemes: Set<String> = ["http", "https", "mailto", "tel"]

  /// What happens to an element, with its content.
  private enum Treatment {
    /// Kept (renamed for headings), with the attributes it may keep besides `lang` and `dir`.
    case keep(as: String, attributes: Set<String>)
    /// Removed with its content because it runs code, loads things or takes input.
    case removeDangerous
    /// Removed with its content: harmless, but with no place in an entry.
    case remove
    /// Unknown or presentational (div, span, font): its content stays.
    case unwrap
  }

  private struct Rule {
    let treatment: Treatment
    /// Separates words in the indexed text (`<p>a</p><p>b</p>` is "a b", not "ab").
    let isBlock: Bool
    /// `<br>` and `<hr>`: no end tag.
    var isVoid = false
    /// `<a>`: its `href` is checked.
    var isLink = false
  }

  /// One rule per element name, so each element costs one lookup. Names not here are unwrapped.
  private static let rules: [String: Rule] = {
    let kept: [String: Set<String>] = [
      "p": [], "br": [], "hr": [], "a": ["href", "title", "hreflang"],
      "ul": [], "ol": ["start"], "li": [], "dl": [], "dt": [], "dd": [],
      "em": [], "strong": [], "b": [], "i": [], "u": [], "s": [], "sub": [], "sup": [],
      "small": [], "mark": [], "abbr": ["title"], "cite": [], "q": [], "blockquote": [],
      "code": [], "pre": [], "kbd": [],
      "table": [], "caption": [], "thead": [], "tbody": [], "tfoot": [], "tr": [],
      "th": ["colspan", "rowspan", "scope"], "td": ["colspan", "rowspan"],
    ]
    // Headings move down so a partner's `<h1>` never competes with the page's own.
    let headings = ["h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"]
    let dangerous = [
      "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
      "input", "button", "select", "textarea", "option", "svg", "math", "template", "link",
      "meta", "base", "noscript", "audio", "video", "source", "track", "canvas", "portal",
    ]
    let removed = ["head", "title", "img", "picture", "map", "area"]
    let blocks: Set<String> = [
      "p", "br", "hr", "li", "dt", "dd", "blockquote", "pre", "tr", "td", "th", "caption",
      "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "article", "table", "ul", "ol",
    ]
    var rules: [String: Rule] = [:]
    for name in blocks { rules[name] = Rule(treatment: .unwrap, isBlock: true) }
    for (name, attributes) in kept {
      rules[name] = Rule(
        treatment: .keep(as: name, attributes: attributes), isBlock: blocks.contains(name))
    }
    for (name, lower) in headings {
      rules[name] = Rule(treatment: .keep(as: lower, attributes: []), isBlock: true)
    }
    for name in dangerous { rules[name] = Rule(treatment: .removeDangerous, isBlock: false) }
    for name in removed { rules[name] = Rule(treatment: .remove, isBlock: false) }
    rules["br"]?.isVoid = true
    rules["hr"]?.isVoid = true
    rules["a"]?.isLink = true
    return rules
  }()

  /// The rules of names of up to 8 bytes, by the name's bytes packed in an integer and sorted:
  /// an element's rule is found without making a string or hashing one.
  private static let packedRules: [(name: UInt64, rule: Rule)] = rules.compactMap { name, rule in
    name.utf8.count <= 8 ? (pack(name.utf8), rule) : nil
  }.sorted { $0.name < $1.name }

  private static func pack(_ bytes: some Sequence<UInt8>) -> UInt64 {
    var packed: UInt64 = 0
    for (index, byte) in bytes.enumerated() { packed |= UInt64(byte) << (8 * index) }
    return packed
  }

  /// The rule for a name as libxml2 gives it (NUL-terminated, lowercase).
  private static func rule(for name: UnsafePointer<xmlChar>) -> Rule {
    var packed: UInt64 = 0
    var length = 0
    while name[length] != 0 {
      if length == 8 { return rules[String(cString: name)] ?? unknown }
      packed |= UInt64(name[length]) << (8 * length)
      length += 1
    }
    var low = 0
    var high = packedRules.count
    while low < high {
      let middle = (low + high) / 2
      if packedRules[middle].name < packed { low = middle + 1 } else { high = middle }
    }
    return low < packedRules.count && packedRules[low].name == packed
      ? packedRules[low].rule : unknown
  }

  private static let unknown = Rule(treatment: .unwrap, isBlock: false)

  /// Writes the safe HTML and the text as libxml2's HTML parser reports elements (SAX): no
  /// document tree is built, so nothing needs walking or freeing afterwards.
  final class Writer {
    private(set) var base: String?
    private(set) var keepingHTML = true
    // UTF-8 buffers: building Strings piece by piece dominated the profile.
    private(set) var html = ByteBuffer(capacity: 2048)
    /// The visible text, its white space collapsed as it arrives.
    private(set) var text = ByteBuffer(capacity: 2048)
    /// A space is owed before the next text (white space, or a block's edge, was seen).
    private var spacePending = false
    /// A space is owed to the HTML before what comes next: an unwrapped block's edge, which
    /// writes no tag that would separate the words on either side.
    private var htmlSpacePending = false
    private(set) var removed: [String] = []

    /// One open element that was kept or unwrapped.
    private struct Open {
      /// The end tag to write, or nil for unwrapped and void elements.
      var endTag: String?
      let isBlock: Bool
      var isUnwrapped = false
      /// Its end tag was written before the parser closed it (see `closeOpenParagraph`).
      var closedEarly = false
    }

    /// Output elements whose start tag closes an open `p` when the HTML is read again (by
    /// libxml2 or a browser): writing them inside one would make a page that reads differently
    /// from what was sanitised.
    private static let closesParagraph: Set<String> = [
      "p", "hr", "ul", "ol", "dl", "dt", "dd", "li", "blockquote", "pre", "table", "h3", "h4",
      "h5", "h6",
    ]
    /// Where an open `p` can no longer be closed by such a tag (HTML's "button scope").
    private static let paragraphScopeEnds: Set<String> = ["table", "td", "th", "caption"]

    private var open: [Open] = []
    /// Elements open inside a removed element (itself included): their content is dropped.
    private var removedDepth = 0

    /// Empties the buffers (keeping their capacity) for the next fragment.
    func reset(base: String?, keepingHTML: Bool, keepingBytes: Int) {
      self.base = base
      self.keepingHTML = keepingHTML
      html.removeAll(keepingCapacityUpTo: keepingBytes)
      text.removeAll(keepingCapacityUpTo: keepingBytes)
      spacePending = false
      htmlSpacePending = false
      removed.removeAll()
      open.removeAll(keepingCapacity: true)
      removedDepth = 0
    }

    /// What libxml2 calls as it reads: nothing builds a tree, loads anything or reports errors.
    static func makeHandler() -> xmlSAXHandler {
      var handler = xmlSAXHandler()
      handler.initialized = 1
      handler.startElement = { userData, name, attributes in
        Writer.with(userData) { $0.start(name, attributes) }
      }
      handler.endElement = { userData, _ in Writer.with(userData) { $0.end() } }
      handler.characters = { userData, bytes, count in
        Writer.with(userData) { $0.characters(bytes, Int(count)) }
      }
      // Raw text (what `<script>` and `<style>` hold) arrives here; those are removed, and any
      // other is kept as escaped text.
      handler.cdataBlock = handler.characters
      return handler
    }

    /// Closes what the parser left open, so the output is always balanced. (libxml2 drops a
    /// start tag cut off by the end of the input without reporting its end, so this is also
    /// what keeps `open` in step then.)
    func finish() {
      while !open.isEmpty { end() }
    }

    /// The writer behind libxml2's user data, without a retain and release per event: the
    /// parser holds it for as long as libxml2 runs.
    private static func with(_ userData: UnsafeMutableRawPointer?, _ body: (Writer) -> Void) {
      Unmanaged<Writer>.fromOpaque(userData!)._withUnsafeGuaranteedRef(body)
    }

    func note(_ what: String) {
      if !removed.contains(what) { removed.append(what) }
    }

    private func characters(_ bytes: UnsafePointer<xmlChar>?, _ count: Int) {
      guard removedDepth == 0, let bytes, count > 0 else { return }
      let buffer = UnsafeBufferPointer(start: bytes, count: count)
      if keepingHTML {
        payHTMLSpace()
        html.appendEscapingHTML(buffer, collapsingInto: &text, spacePending: &spacePending)
      } else {
        text.appendCollapsingWhitespace(buffer, spacePending: &spacePending)
      }
    }

    /// Words on either side of a block's edge must not run together in the text.
    private func separateBlock() {
      if !text.isEmpty { spacePending = true }
    }

    /// Writes the space an unwrapped block's edge owes, unless white space is already there.
    private func payHTMLSpace() {
      guard htmlSpacePending else { return }
      htmlSpacePending = false
      if let last = html.last, ![0x20, 0x0A, 0x09, 0x0D].contains(last) { html.append(0x20) }
    }

    private func append(_ string: String) {
      html.append(string)
    }

    private func start(
      _ rawName: UnsafePointer<xmlChar>?,
      _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
      if removedDepth > 0 {
        removedDepth += 1
        return
      }
      guard let rawName else { return }
      let rule = HTMLSanitizer.rule(for: rawName)
      let outputName: String
      let allowedAttributes: Set<String>
      switch rule.treatment {
      case .removeDangerous:
        note("<\(String(cString: rawName))>")
        removedDepth = 1
        return
      case .remove:
        removedDepth = 1
        return
      case .unwrap:
        if rule.isBlock {
          separateBlock()
          htmlSpacePending = true
        }
        checkAttributes(attributes, allowed: [])
        open.append(Open(endTag: nil, isBlock: rule.isBlock, isUnwrapped: true))
        return
      case .keep(let keptName, let kept):
        (outputName, allowedAttributes) = (keptName, kept)
      }
      if rule.isBlock { separateBlock() }
      var kept = checkAttributes(attributes, allowed: allowedAttributes)
      if rule.isLink {
        if let index = kept.firstIndex(where: { $0.0 == "href" }) {
          if let safe = safeLink(kept[index].1) {
            kept[index].1 = safe
            kept.append(("rel", "nofollow noopener noreferrer"))
          } else {
            kept.remove(at: index)
          }
        }
      }
      if keepingHTML && Self.closesParagraph.contains(outputName) { closeOpenParagraph() }
      open.append(Open(endTag: rule.isVoid ? nil : outputName, isBlock: rule.isBlock))
      guard keepingHTML else { return }
      payHTMLSpace()
      html.append(UInt8(ascii: "<"))
      append(outputName)
      for (attributeName, value) in kept {
        html.append(0x20)
        append(attributeName)
        html.append("=\"")
        var value = value
        value.withUTF8 { html.appendEscapingHTML($0) }
        html.append(UInt8(ascii: "\""))
      }
      html.append(UInt8(ascii: ">"))
    }

    /// Writes the end tags of an open `p` and what is open inside it, as a parser reading the
    /// output would close them; their ends, when the parser gives them, write nothing more.
    private func closeOpenParagraph() {
      guard
        let index = open.lastIndex(where: { $0.endTag == "p" && !$0.closedEarly }),
        !open[(index + 1)...].contains(where: {
          !$0.closedEarly && Self.paragraphScopeEnds.contains($0.endTag ?? "")
        })
      else { return }
      for position in stride(from: open.count - 1, through: index, by: -1) {
        guard let endTag = open[position].endTag, !open[position].closedEarly else { continue }
        html.append("</")
        append(endTag)
        html.append(UInt8(ascii: ">"))
        open[position].closedEarly = true
      }
      separateBlock()
    }

    private func end() {
      if removedDepth > 0 {
        removedDepth -= 1
        return
      }
      guard let element = open.popLast() else { return }
      if element.closedEarly {
        // Its end tag is written: only the words on either side still need a space between.
        if element.isBlock {
          separateBlock()
          htmlSpacePending = true
        }
        return
      }
      if keepingHTML, let endTag = element.endTag {
        html.append("</")
        append(endTag)
        html.append(UInt8(ascii: ">"))
      }
      if element.isBlock {
        separateBlock()
        if element.isUnwrapped { htmlSpacePending = true }
      }
    }

    /// The attributes to keep; notes event handlers and styles that were removed. libxml2
    /// gives them as name, value, name, value… up to a nil name; a value may be nil (`<td nowrap>`).
    @discardableResult
    private func checkAttributes(
      _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, allowed: Set<String>
    ) -> [(String, String)] {
      var kept: [(String, String)] = []
      guard var pair = attributes else { return kept }
      while let rawName = pair[0] {
        defer { pair += 2 }
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
        kept.append((name, pair[1].map { String(cString: $0) } ?? ""))
      }
      return kept
    }

    /// An absolute link with a safe scheme, or nil. Browsers ignore tabs, new lines and leading
    /// control characters in a scheme (`java&#9;script:`), so the check does too.
    private func safeLink(_ raw: String) -> String? {
      let isClean = raw.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F }
      let cleaned =
        isClean ? raw : String(decoding: raw.utf8.filter { $0 > 0x20 && $0 != 0x7F }, as: UTF8.self)
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
