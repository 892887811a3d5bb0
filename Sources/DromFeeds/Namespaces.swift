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
  /// The Atom 0.3 draft (2003).
  static let atom03 = "http://purl.org/atom/ns#"
  /// RSS 2.0 in a namespace, as UserLand and Harvard once published it.
  static let rss2UserLand = "http://backend.userland.com/rss2"
  static let rss2Harvard = "http://blogs.law.harvard.edu/tech/rss"
  /// Apple Podcasts (`itunes:`) and Media RSS (`media:`), which many CMSs add to RSS and Atom.
  static let itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd"
  static let media = "http://search.yahoo.com/mrss/"

  /// Every namespace above. Names read from a document use these very strings when they match:
  /// a string literal is immortal, so copying it costs no reference counting, and every
  /// element's name is copied several times on its way through the reader.
  static let known: [String] = [
    atom, dcterms, dc, history, tombstones, vcard, content, rdf, rss10, rss090, xml, xhtml, drom,
    atom03, rss2UserLand, rss2Harvard, itunes, media,
  ]
}
