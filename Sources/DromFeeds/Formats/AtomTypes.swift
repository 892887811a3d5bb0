/// Atom 1.0 as RFC 4287 defines it: raw values, as the document spells them. The adapter
/// (`EntryAdapter`) turns these into Drom's model; nothing here interprets or repairs.

/// §3.1 Text constructs: `type` is "text", "html" or "xhtml".
struct AtomText {
  var type: String
  /// For "xhtml", the markup inside the wrapping `xhtml:div`.
  var value: String
  var node: XMLNode

  init(type: String, value: String, node: XMLNode) {
    self.type = type
    self.value = value
    self.node = node
  }

  init(_ node: XMLNode) {
    self.node = node
    type = node.attribute("type")?.lowercased() ?? "text"
    if type == "xhtml" {
      value = node.first(NS.xhtml, "div")?.innerMarkup ?? node.innerMarkup
    } else {
      value = node.text
    }
  }
}

/// §4.1.3 `atom:content`: inline text, or out-of-line via `src`.
struct AtomContent {
  var text: AtomText
  var src: String?

  init(text: AtomText, src: String?) {
    self.text = text
    self.src = src
  }

  init(_ node: XMLNode) {
    text = AtomText(node)
    src = node.attribute("src")
  }
}

/// §3.2 Person constructs (`atom:author`, `atom:contributor`).
struct AtomPerson {
  var name: String?
  var uri: String?
  var email: String?

  init(_ node: XMLNode) {
    name = node.text(NS.atom, "name")
    uri = node.text(NS.atom, "uri")
    email = node.text(NS.atom, "email")
  }
}

/// §4.2.7 `atom:link`.
struct AtomLink {
  var href: String?
  var rel: String
  var type: String?
  var hreflang: String?
  var title: String?
  var length: String?
  var node: XMLNode

  init(_ node: XMLNode) {
    self.node = node
    href = node.attribute("href")
    rel = node.attribute("rel") ?? "alternate"
    type = node.attribute("type")
    hreflang = node.attribute("hreflang")
    title = node.attribute("title")
    length = node.attribute("length")
  }
}

/// §4.2.2 `atom:category`.
struct AtomCategory {
  var term: String?
  var scheme: String?
  var label: String?

  init(_ node: XMLNode) {
    term = node.attribute("term")
    scheme = node.attribute("scheme")
    label = node.attribute("label")
  }
}

/// §4.1.2 `atom:entry`.
struct AtomEntry {
  var node: XMLNode
  var id: String?
  var title: AtomText?
  var updated: XMLNode?
  var published: XMLNode?
  var summary: AtomText?
  var content: AtomContent?
  var links: [AtomLink]
  var authors: [AtomPerson]
  var contributors: [AtomPerson]
  var categories: [AtomCategory]
  var rights: AtomText?
  /// Media RSS and podcast elements some Atom feeds carry (YouTube, jekyll-feed).
  var media: MediaExtensions

  init(
    node: XMLNode, id: String?, title: AtomText?, updated: XMLNode?, published: XMLNode?,
    summary: AtomText?, content: AtomContent?, links: [AtomLink], authors: [AtomPerson],
    contributors: [AtomPerson], categories: [AtomCategory], rights: AtomText?
  ) {
    self.node = node
    self.id = id
    self.title = title
    self.updated = updated
    self.published = published
    self.summary = summary
    self.content = content
    self.links = links
    self.authors = authors
    self.contributors = contributors
    self.categories = categories
    self.rights = rights
    media = MediaExtensions(node)
  }

  init(_ node: XMLNode) {
    self.node = node
    id = node.text(NS.atom, "id")
    title = node.first(NS.atom, "title").map(AtomText.init)
    updated = node.first(NS.atom, "updated")
    published = node.first(NS.atom, "published")
    summary = node.first(NS.atom, "summary").map(AtomText.init)
    content = node.first(NS.atom, "content").map(AtomContent.init)
    links = node.all(NS.atom, "link").map(AtomLink.init)
    authors = node.all(NS.atom, "author").map { AtomPerson($0) }
    contributors = node.all(NS.atom, "contributor").map { AtomPerson($0) }
    categories = node.all(NS.atom, "category").map(AtomCategory.init)
    rights = node.first(NS.atom, "rights").map(AtomText.init)
    media = MediaExtensions(node)
  }
}
