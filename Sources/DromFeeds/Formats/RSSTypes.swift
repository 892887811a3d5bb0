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
  var media: MediaExtensions

  init(_ node: XMLNode) {
    self.node = node
    // One pass over the item's children; the first of each single element counts.
    var titleNode: XMLNode?
    var linkNode: XMLNode?
    var descriptionNode: XMLNode?
    var authorNode: XMLNode?
    var guidNode: XMLNode?
    var pubDateNode: XMLNode?
    var encodedNode: XMLNode?
    var categories: [RSSCategory] = []
    var enclosures: [RSSEnclosure] = []
    var dublinCore = DublinCore.Builder()
    var media = MediaExtensions()
    node.forEachElement { child, name in
      if name.namespace.isEmpty {
        switch name.local {
        case "title": titleNode.keepFirst(child)
        case "link": linkNode.keepFirst(child)
        case "description": descriptionNode.keepFirst(child)
        case "author": authorNode.keepFirst(child)
        case "guid": guidNode.keepFirst(child)
        case "pubDate": pubDateNode.keepFirst(child)
        case "category":
          if let value = child.trimmedText {
            categories.append(RSSCategory(value: value, domain: child.attribute("domain")))
          }
        case "enclosure":
          enclosures.append(
            RSSEnclosure(
              url: child.attribute("url"), length: child.attribute("length"),
              type: child.attribute("type")))
        default: break
        }
      } else if name.namespace == NS.dc {
        dublinCore.add(child, local: name.local)
      } else if name.namespace == NS.content, name.local == "encoded" {
        encodedNode.keepFirst(child)
      } else {
        media.add(child, name: name)
      }
    }
    self.media = media
    title = titleNode?.trimmedText
    link = linkNode?.trimmedText
    description = descriptionNode
    author = authorNode?.trimmedText
    self.categories = categories
    self.enclosures = enclosures
    guid = guidNode.flatMap { guid in
      guid.trimmedText.map {
        RSSGuid(value: $0, isPermaLink: guid.attribute("isPermaLink")?.lowercased() != "false")
      }
    }
    pubDate = pubDateNode
    contentEncoded = encodedNode
    self.dublinCore = dublinCore.build()
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
  var contributors: [String]
  var date: XMLNode?
  var language: String?
  var subjects: [String]
  var rights: String?
  var identifier: String?

  init(_ node: XMLNode) {
    var builder = Builder()
    node.forEachElement { child, name in
      if name.namespace == NS.dc { builder.add(child, local: name.local) }
    }
    self = builder.build()
  }

  init(
    creators: [String], contributors: [String], date: XMLNode?, language: String?,
    subjects: [String], rights: String?, identifier: String?
  ) {
    self.creators = creators
    self.contributors = contributors
    self.date = date
    self.language = language
    self.subjects = subjects
    self.rights = rights
    self.identifier = identifier
  }

  /// Collects the `dc:` children of an item during the item's one pass over them.
  struct Builder {
    private var creators: [String] = []
    private var contributors: [String] = []
    private var subjects: [String] = []
    private var date: XMLNode?
    private var language: XMLNode?
    private var rights: XMLNode?
    private var identifier: XMLNode?

    mutating func add(_ child: XMLNode, local: String) {
      switch local {
      case "creator": if let text = child.trimmedText { creators.append(text) }
      case "contributor": if let text = child.trimmedText { contributors.append(text) }
      case "subject": if let text = child.trimmedText { subjects.append(text) }
      case "date": date.keepFirst(child)
      case "language": language.keepFirst(child)
      case "rights": rights.keepFirst(child)
      case "identifier": identifier.keepFirst(child)
      default: break
      }
    }

    func build() -> DublinCore {
      DublinCore(
        creators: creators, contributors: contributors, date: date, language: language?.trimmedText,
        subjects: subjects,
        rights: rights?.trimmedText, identifier: identifier?.trimmedText)
    }
  }
}
