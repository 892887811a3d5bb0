import Foundation

/// Atom 0.3 (draft-nottingham-atom-format-02, December 2003; `http://purl.org/atom/ns#`) as
/// documents spell it. Atom 1.0 renamed most of it, so the adapter reads an Atom 0.3 entry
/// through Atom 1.0's raw types (`AtomEntry(atom03:)`): `modified` → `updated`, `issued` →
/// `published`, `tagline` → `subtitle`, `copyright` → `rights`, a person's `url` → `uri`, and
/// content `mode` folded into a text construct.

/// §3.1 Content constructs: `type` is a MIME type (default "text/plain"); `mode` says how the
/// content is written: "xml" (inline markup, the default), "escaped" or "base64".
struct Atom03Content {
  var mimeType: String
  var mode: String
  var node: XMLNode

  init(_ node: XMLNode) {
    self.node = node
    mimeType = node.attribute("type")?.lowercased() ?? "text/plain"
    mode = node.attribute("mode")?.lowercased() ?? "xml"
  }

  /// The construct as Atom 1.0 would say it, or nil when it holds no text (base64 that is not
  /// base64, or binary media).
  var asAtom10Text: AtomText? {
    let isHTML = mimeType.contains("html")
    guard isHTML || mimeType.hasPrefix("text/") else { return nil }
    switch mode {
    case "escaped":
      return AtomText(type: isHTML ? "html" : "text", value: node.text, node: node)
    case "base64":
      let encoded = node.text.filter { !$0.isWhitespace }
      guard let data = Data(base64Encoded: encoded) else { return nil }
      return AtomText(
        type: isHTML ? "html" : "text", value: String(decoding: data, as: UTF8.self), node: node)
    default:
      guard isHTML else { return AtomText(type: "text", value: node.text, node: node) }
      return AtomText(
        type: "xhtml", value: node.first(NS.xhtml, "div")?.innerMarkup ?? node.innerMarkup,
        node: node)
    }
  }
}

/// §4.2 `atom:entry` of Atom 0.3.
struct Atom03Entry {
  var node: XMLNode
  var id: String?
  var title: Atom03Content?
  var modified: XMLNode?
  var issued: XMLNode?
  var created: XMLNode?
  var summary: Atom03Content?
  /// 0.3 allows several content elements (alternatives); the first readable one counts.
  var contents: [Atom03Content]
  var links: [AtomLink]
  var authors: [AtomPerson]
  var contributors: [AtomPerson]

  init(_ node: XMLNode) {
    self.node = node
    id = node.text(NS.atom03, "id")
    title = node.first(NS.atom03, "title").map(Atom03Content.init)
    modified = node.first(NS.atom03, "modified")
    issued = node.first(NS.atom03, "issued")
    created = node.first(NS.atom03, "created")
    summary = node.first(NS.atom03, "summary").map(Atom03Content.init)
    contents = node.all(NS.atom03, "content").map(Atom03Content.init)
    links = node.all(NS.atom03, "link").map(AtomLink.init)
    authors = node.all(NS.atom03, "author").map { AtomPerson(atom03: $0) }
    contributors = node.all(NS.atom03, "contributor").map { AtomPerson(atom03: $0) }
  }
}

extension AtomPerson {
  /// An Atom 0.3 person: `name`, `url` (Atom 1.0's `uri`) and `email`.
  init(atom03 node: XMLNode) {
    name = node.text(NS.atom03, "name")
    uri = node.text(NS.atom03, "url")
    email = node.text(NS.atom03, "email")
  }
}

extension AtomEntry {
  /// An Atom 0.3 entry in Atom 1.0's terms: `modified` is the update date (`issued` when it is
  /// missing), `issued` the publication date.
  init(atom03 entry: Atom03Entry) {
    self.init(
      node: entry.node, id: entry.id, title: entry.title?.asAtom10Text,
      updated: entry.modified ?? entry.issued ?? entry.created, published: entry.issued,
      summary: entry.summary?.asAtom10Text,
      content: entry.contents.lazy.compactMap(\.asAtom10Text).first.map {
        AtomContent(text: $0, src: nil)
      },
      links: entry.links, authors: entry.authors, contributors: entry.contributors,
      categories: [], rights: nil)
  }
}
