/// RSS 2.0 (and its ancestors 0.91/0.92, which use the same elements) and RSS 1.0 / 0.90
/// (RDF): raw values, as the documents spell them.

/// RSS 2.0 `<enclosure url length type>`.
struct RSSEnclosure {
  var url: String?
  var length: String?
  var type: String?
}

/// RSS 2.0 `<guid isPermaLink>`: a permalink unless `isPermaLink="false"`.
struct RSSGuid {
  var value: String
  var isPermaLink: Bool
}

/// RSS 2.0 `<category domain>`.
struct RSSCategory {
  var value: String
  var domain: String?
}

/// RSS 2.0 `<item>`, with the modules WordPress and Drupal add: `content:encoded`, Dublin Core.
struct RSSItem {
  var node: XMLNode
  var title: String?
  var link: String?
  /// Raw (HTML) text elements are kept as nodes: the sanitiser reads their bytes directly.
  var description: XMLNode?
  var author: String?
  var categories: [RSSCategory]
  var enclosures: [RSSEnclosure]
  var guid: RSSGuid?
  var pubDate: XMLNode?
  var contentEncoded: XMLNode?
  var dublinCore: DublinCore

  init(_ node: XMLNode) {
    self.node = node
    title = node.text("", "title")
    link = node.text("", "link")
    description = node.first("", "description")
    author = node.text("", "author")
    categories = node.all("", "category").compactMap { category in
      category.trimmedText.map { RSSCategory(value: $0, domain: category.attribute("domain")) }
    }
    enclosures = node.all("", "enclosure").map {
      RSSEnclosure(
        url: $0.attribute("url"), length: $0.attribute("length"), type: $0.attribute("type"))
    }
    guid = node.first("", "guid").flatMap { guid in
      guid.trimmedText.map {
        RSSGuid(value: $0, isPermaLink: guid.attribute("isPermaLink")?.lowercased() != "false")
      }
    }
    pubDate = node.first("", "pubDate")
    contentEncoded = node.first(NS.content, "encoded")
    dublinCore = DublinCore(node)
  }
}

/// RSS 2.0 `<channel>` metadata (its items are read one by one, not kept here).
struct RSSChannelField {
  static let title = "title"
  static let link = "link"
  static let description = "description"
  static let language = "language"
  static let lastBuildDate = "lastBuildDate"
  static let pubDate = "pubDate"
  static let generator = "generator"
}

/// RSS 1.0 `<item rdf:about>` (and RSS 0.90's, in its own namespace).
struct RDFItem {
  var node: XMLNode
  var about: String?
  var title: String?
  var link: String?
  var description: XMLNode?
  var contentEncoded: XMLNode?
  var dublinCore: DublinCore

  init(_ node: XMLNode, namespace: String) {
    self.node = node
    about = node.attribute("about", namespace: NS.rdf)
    title = node.text(namespace, "title")
    link = node.text(namespace, "link")
    description = node.first(namespace, "description")
    contentEncoded = node.first(NS.content, "encoded")
    dublinCore = DublinCore(node)
  }
}

/// Dublin Core elements 1.1 (`dc:`), as RSS feeds use them.
struct DublinCore {
  var creators: [String]
  var date: XMLNode?
  var language: String?
  var subjects: [String]
  var rights: String?
  var identifier: String?

  init(_ node: XMLNode) {
    creators = node.all(NS.dc, "creator").compactMap(\.trimmedText)
    date = node.first(NS.dc, "date")
    language = node.text(NS.dc, "language")
    subjects = node.all(NS.dc, "subject").compactMap(\.trimmedText)
    rights = node.text(NS.dc, "rights")
    identifier = node.text(NS.dc, "identifier")
  }
}
