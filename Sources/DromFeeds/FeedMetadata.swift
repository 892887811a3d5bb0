import DromModel
import Foundation

/// What a feed says about itself, read from its head element by element: title, subtitle,
/// links, dates, people, rights, images and categories, in each format's own words.
extension FeedSplitter {
  func atomMetadata(_ node: XMLNode) {
    guard node.name.namespace == NS.atom else { return }
    switch node.name.local {
    case "title": head.title = plainText(AtomText(node)).nilIfEmpty
    case "subtitle": head.subtitle = plainText(AtomText(node)).nilIfEmpty
    case "rights": head.rights = plainText(AtomText(node)).nilIfEmpty
    case "id": head.id = node.trimmedText
    case "updated": setUpdated(node.trimmedText.flatMap { FeedDates.rfc3339($0)?.date })
    case "generator": head.generator = node.trimmedText
    case "icon": head.icon = webAddress(node.trimmedText, node: node)
    case "logo": head.logo = webAddress(node.trimmedText, node: node)
    case "link": atomLink(AtomLink(node))
    case "author": addAuthor(AtomPerson(node))
    case "contributor":
      if let person = EntryAdapter.author(from: AtomPerson(node)),
        head.contributors.count < Self.maxFeedAuthors
      {
        head.contributors.append(person)
      }
    case "category":
      let category = AtomCategory(node)
      if let term = category.term {
        head.categories.append(Category(term: term, scheme: category.scheme, label: category.label))
      }
    default: break
    }
  }

  func atom03Metadata(_ node: XMLNode) {
    guard node.name.namespace == NS.atom03 else { return }
    let text = { Atom03Content(node).asAtom10Text.map(self.plainText)?.nilIfEmpty }
    switch node.name.local {
    case "title": head.title = text()
    case "tagline": head.subtitle = text()
    case "copyright": head.rights = text()
    case "id": head.id = node.trimmedText
    case "modified":
      setUpdated(node.trimmedText.flatMap { FeedDates.parse($0, expecting: .rfc3339)?.date })
    case "generator": head.generator = node.trimmedText
    case "link": atomLink(AtomLink(node))
    case "author": addAuthor(AtomPerson(atom03: node))
    case "contributor":
      if let person = EntryAdapter.author(from: AtomPerson(atom03: node)),
        head.contributors.count < Self.maxFeedAuthors
      {
        head.contributors.append(person)
      }
    default: break
    }
  }

  /// A child of an RSS 2.0 or 0.9x `<channel>`, in RSS's own terms or an extension's.
  func rssMetadata(_ node: XMLNode) {
    switch (node.name.namespace, node.name.local) {
    case ("", RSSChannelField.title): head.title = node.trimmedText
    case ("", RSSChannelField.description):
      head.subtitle = node.trimmedText.map { EntryAdapter.plainText("html", $0, base: nil) }
    case ("", RSSChannelField.link):
      if let href = node.trimmedText {
        head.links.append(Link(href: href))
        if context.linkBase == nil { context.linkBase = href }
      }
    case ("", RSSChannelField.language), (NS.dc, "language"):
      context.feedLanguage = node.trimmedText
      head.language = node.trimmedText.flatMap(LanguageTag.init)
    case ("", RSSChannelField.lastBuildDate), ("", RSSChannelField.pubDate):
      if head.updated == nil {
        setUpdated(node.trimmedText.flatMap { FeedDates.parse($0, expecting: .rfc822)?.date })
      }
    case (NS.dc, "date"):
      if head.updated == nil {
        setUpdated(node.trimmedText.flatMap { FeedDates.parse($0, expecting: .rfc3339)?.date })
      }
    case ("", RSSChannelField.generator): head.generator = node.trimmedText
    case ("", "copyright"), (NS.dc, "rights"): head.rights = head.rights ?? node.trimmedText
    case ("", "managingEditor"), (NS.dc, "creator"), (NS.itunes, "author"):
      if let name = node.trimmedText { addAuthor(EntryAdapter.author(from: name)) }
    case ("", "image"):
      head.logo = head.logo ?? webAddress(node.text("", "url"), node: node)
    case (NS.itunes, "image"):
      head.logo = head.logo ?? webAddress(node.attribute("href"), node: node)
    case ("", "category"):
      if let term = node.trimmedText {
        head.categories.append(Category(term: term, scheme: node.attribute("domain")))
      }
    case (NS.itunes, "category"):
      podcastCategories(node, scheme: "https://podcasts.apple.com/")
    case (NS.itunes, "summary"), (NS.itunes, "subtitle"):
      head.subtitle = head.subtitle ?? node.trimmedText
    case (NS.atom, "link"):
      atomLink(AtomLink(node))
    case (NS.atom, "icon"), ("http://webfeeds.org/rss/1.0", "icon"):
      head.icon = head.icon ?? webAddress(node.trimmedText, node: node)
    default: break
    }
  }

  /// RSS 1.0's (and 0.90's) `<channel>`: title, description, link, Dublin Core.
  func channelMetadata(_ node: XMLNode, namespace: String) {
    head.title = node.text(namespace, "title")
    head.subtitle = node.text(namespace, "description")
    if let link = node.text(namespace, "link") {
      head.links.append(Link(href: link))
      if context.linkBase == nil { context.linkBase = link }
    }
    if let language = node.text(NS.dc, "language") {
      context.feedLanguage = language
      head.language = LanguageTag(language)
    }
    head.rights = node.text(NS.dc, "rights")
    if let date = node.text(NS.dc, "date") {
      setUpdated(FeedDates.parse(date, expecting: .rfc3339)?.date)
    }
    for creator in node.all(NS.dc, "creator") {
      if let name = creator.trimmedText { addAuthor(Author(name: name)) }
    }
    head.id = node.attribute("about", namespace: NS.rdf)
  }

  /// RSS 1.0's `<image>` beside the channel: its `url`.
  func rdfImage(_ node: XMLNode) {
    let url = node.text(node.name.namespace, "url") ?? node.attribute("about", namespace: NS.rdf)
    head.logo = head.logo ?? webAddress(url, node: node)
  }

  // MARK: - Shared pieces

  private func plainText(_ text: AtomText) -> String {
    EntryAdapter.plainText(text.type, text.value, base: nil)
  }

  private func setUpdated(_ date: Date?) {
    guard let date else { return }
    head.updated = date
    context.feedUpdated = date
  }

  private func addAuthor(_ person: AtomPerson) {
    if let author = EntryAdapter.author(from: person) { addAuthor(author) }
  }

  /// A feed's authors, each name once and at most `maxFeedAuthors`: every entry without
  /// authors of its own carries them, so a hostile channel listing a million must not.
  private func addAuthor(_ author: Author) {
    guard head.authors.count < Self.maxFeedAuthors,
      !head.authors.contains(where: { $0.name == author.name })
    else { return }
    head.authors.append(author)
    context.feedAuthors.append(author)
  }

  static let maxFeedAuthors = 10

  private func atomLink(_ link: AtomLink) {
    guard let href = link.href else { return }
    head.links.append(
      Link(
        href: URLResolver.resolve(href, against: link.node.base ?? context.options.documentURL),
        rel: link.rel, type: link.type, hreflang: link.hreflang, title: link.title,
        length: link.length.flatMap { Int($0) }))
  }

  /// An image address resolved against the document, or nil if it is not a web address.
  private func webAddress(_ raw: String?, node: XMLNode) -> String? {
    guard let raw = raw?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else {
      return nil
    }
    let resolved = URLResolver.resolve(
      raw, against: node.base ?? context.options.documentURL ?? context.linkBase)
    return URLResolver.isWebAddress(resolved) ? resolved : nil
  }

  /// `itunes:category text=…`, nested for subcategories: each becomes a category.
  private func podcastCategories(_ node: XMLNode, scheme: String) {
    if let text = node.attribute("text") {
      head.categories.append(Category(term: text, scheme: scheme))
    }
    for child in node.all(NS.itunes, "category") { podcastCategories(child, scheme: scheme) }
  }
}
