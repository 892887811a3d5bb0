/// The XML namespaces a Drom feed may use. See docs/feed-profile.md.
enum NS {
  static let atom = "http://www.w3.org/2005/Atom"
  static let dcterms = "http://purl.org/dc/terms/"
  static let dc = "http://purl.org/dc/elements/1.1/"
  static let history = "http://purl.org/syndication/history/1.0"
  static let tombstones = "http://purl.org/atompub/tombstones/1.0"
  static let vcard = "urn:ietf:params:xml:ns:vcard-4.0"
  static let content = "http://purl.org/rss/1.0/modules/content/"
  static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  static let rss10 = "http://purl.org/rss/1.0/"
  static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
  static let xml = "http://www.w3.org/XML/1998/namespace"
  static let xhtml = "http://www.w3.org/1999/xhtml"
  static let drom = "https://w3id.org/drom/ns#"

  /// Every namespace above. Names read from a document use these very strings when they match:
  /// a string literal is immortal, so copying it costs no reference counting, and every
  /// element's name is copied several times on its way through the reader.
  static let known: [String] = [
    atom, dcterms, dc, history, tombstones, vcard, content, rdf, rss10, rss090, xml, xhtml, drom,
  ]
}
