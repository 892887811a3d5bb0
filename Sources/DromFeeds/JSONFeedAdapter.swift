import DromModel
import Foundation

/// Turns a JSON Feed (1.0 or 1.1) into Drom's model, like the XML formats: the feed's head,
/// then each item as an entry, with diagnostics at the line and column of the value concerned.
struct JSONFeedAdapter {
  let context: AdapterContext

  /// The head of the feed, or nil (with an error) when the document is not a JSON Feed.
  func head(of root: JSONNode) -> (FeedDocument, items: [JSONNode])? {
    guard root.isObject else {
      context.diagnostics.add(
        .error, "feed.unknown-format", line: root.line, column: root.column,
        "the document is JSON but \(root.kindName), not a JSON Feed object: a JSON Feed starts with {\"version\": \"\(JSONFeedObject.version11)\", …}"
      )
      return nil
    }
    let raw = JSONFeedObject(root)
    let version = string(raw.version, "version")
    guard version != nil || raw.items?.array != nil else {
      context.diagnostics.add(
        .error, "feed.unknown-format", line: root.line, column: root.column,
        "the document is JSON but not a JSON Feed: it has neither \"version\" nor \"items\"; see https://jsonfeed.org/version/1.1"
      )
      return nil
    }
    var feed = FeedDocument(format: version == JSONFeedObject.version10 ? .jsonFeed10 : .jsonFeed11)
    if let version, ![JSONFeedObject.version10, JSONFeedObject.version11].contains(version) {
      context.diagnostics.add(
        .warning, "feed.json-version", line: raw.version?.line ?? root.line,
        column: raw.version?.column ?? 1,
        "the JSON Feed version '\(version)' is unknown; it was read as 1.1: write \"version\": \"\(JSONFeedObject.version11)\""
      )
    } else if version == nil {
      context.diagnostics.add(
        .warning, "feed.json-version", line: root.line, column: root.column,
        "the JSON Feed has no \"version\"; it was read as 1.1: add \"version\": \"\(JSONFeedObject.version11)\""
      )
    }
    feed.title = string(raw.title, "title").map(HTMLSanitizer.collapseWhitespace)?.nilIfEmpty
    feed.subtitle =
      string(raw.description, "description").map(
        HTMLSanitizer.collapseWhitespace)?.nilIfEmpty
    if let home = address(raw.homePageURL, "home_page_url") {
      feed.links.append(Link(href: home))
      context.linkBase = context.linkBase ?? home
    }
    if let own = address(raw.feedURL, "feed_url") {
      feed.links.append(Link(href: own, rel: "self", type: "application/feed+json"))
      feed.id = own
    }
    if let next = address(raw.nextURL, "next_url") {
      feed.links.append(Link(href: next, rel: "next"))
    }
    feed.logo = address(raw.icon, "icon")
    feed.icon = address(raw.favicon, "favicon")
    feed.authors = authors(single: raw.author, list: raw.authors)
    context.feedAuthors = feed.authors
    if let language = string(raw.language, "language") {
      context.feedLanguage = language
      feed.language = LanguageTag(language)
    }
    guard let items = raw.items?.array else {
      context.diagnostics.add(
        .error, "feed.json-no-items", line: (raw.items ?? root).line,
        column: (raw.items ?? root).column,
        "the JSON Feed has no \"items\" array: add \"items\": [] with one object per practice")
      return nil
    }
    return (feed, items)
  }

  func entry(from node: JSONNode, number: Int) -> Entry? {
    guard node.isObject else {
      context.diagnostics.add(
        .error, "entry.json-not-object", line: node.line, column: node.column,
        "item \(number) is \(node.kindName), not an object, so it was left out")
      return nil
    }
    let item = JSONFeedItem(node)
    var entry = Entry(id: identifier(item.id) ?? "", kind: .practice, title: "", line: node.line)
    entry.title = string(item.title, "title").map(HTMLSanitizer.collapseWhitespace) ?? ""
    let label = EntryAdapter.entryLabel(number, entry.title)
    let link = address(item.url, "url")
    if let link { entry.links.append(Link(href: link)) }
    if let external = address(item.externalURL, "external_url") {
      entry.links.append(Link(href: external, rel: "related"))
    }
    if let html = string(item.contentHTML, "content_html") {
      entry.content = EntryAdapter.richText(
        "html", html, base: link ?? context.linkBase, label: label, node: item.contentHTML!,
        context: context)
    } else if let text = string(item.contentText, "content_text") {
      entry.content = EntryAdapter.richText(
        "text", text, base: nil, label: label, node: item.contentText!, context: context)
    }
    entry.summary =
      string(item.summary, "summary").map(HTMLSanitizer.collapseWhitespace)?
      .nilIfEmpty
    entry.image = address(item.image, "image") ?? address(item.bannerImage, "banner_image")
    entry.published = date(item.datePublished, "date_published", label: label)
    entry.updated = date(item.dateModified, "date_modified", label: label) ?? entry.published
    if entry.updated == nil {
      EntryAdapter.undated(
        &entry, label: label, node: node, context: context,
        fix: "add \"date_published\": \"2026-03-10T09:00:00+01:00\"")
    }
    entry.authors = authors(single: item.author, list: item.authors)
    if entry.authors.isEmpty { entry.authors = context.feedAuthors }
    entry.categories = strings(item.tags, "tags").map { Category(term: $0) }
    for attachment in item.attachments?.array ?? [] {
      let raw = JSONFeedAttachment(attachment)
      guard let url = address(raw.url, "url") else { continue }
      entry.links.append(
        Link(
          href: url, rel: "enclosure", type: string(raw.mimeType, "mime_type"),
          title: string(raw.title, "title"), length: integer(raw.sizeInBytes)))
    }
    entry.language = ProfileAdapter.language(
      string(item.language, "language") ?? context.feedLanguage, label: label, at: node,
      context: context)
    guard EntryAdapter.complete(&entry, link: link, number: number, node: node, context: context)
    else { return nil }
    return entry
  }

  // MARK: - Typed reading, with a diagnostic where the type is wrong

  private func string(_ node: JSONNode?, _ name: String) -> String? {
    guard let node else { return nil }
    switch node.value {
    case .string(let text): return text
    case .null: return nil
    default:
      context.diagnostics.add(
        .warning, "json.wrong-type", line: node.line, column: node.column,
        "\"\(name)\" is \(node.kindName) but should be a string, so it was ignored")
      return nil
    }
  }

  private func strings(_ node: JSONNode?, _ name: String) -> [String] {
    guard let node else { return [] }
    if case .null = node.value { return [] }
    guard let items = node.array else {
      context.diagnostics.add(
        .warning, "json.wrong-type", line: node.line, column: node.column,
        "\"\(name)\" is \(node.kindName) but should be an array of strings, so it was ignored")
      return []
    }
    return items.compactMap { string($0, name) }
  }

  /// An id is a string; JSON Feed 1.0 asks readers to take a number as its text.
  private func identifier(_ node: JSONNode?) -> String? {
    guard let node else { return nil }
    if case .number(let text) = node.value { return text }
    return string(node, "id")?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
  }

  private func integer(_ node: JSONNode?) -> Int? {
    guard let node, case .number(let text) = node.value else { return nil }
    return Int(text) ?? Double(text).flatMap { Int(exactly: $0.rounded()) }
  }

  private func address(_ node: JSONNode?, _ name: String) -> String? {
    guard let node, let raw = string(node, name)?.trimmingCharacters(in: .whitespaces),
      !raw.isEmpty
    else { return nil }
    return EntryAdapter.checkedLink(
      raw, base: context.options.documentURL ?? context.linkBase, at: node, context: context)
  }

  private func date(_ node: JSONNode?, _ name: String, label: EntryLabel) -> Date? {
    guard let node, let text = string(node, name) else { return nil }
    guard let parsed = FeedDates.parse(text, expecting: .rfc3339) else {
      context.diagnostics.add(
        .warning, "entry.bad-date", line: node.line, column: node.column,
        "\(label): the date '\(text)' cannot be read: write it like \(FeedDates.Form.rfc3339.example)"
      )
      return nil
    }
    if let repair = parsed.repair {
      context.diagnostics.add(
        .note, "entry.date-repaired", line: node.line, column: node.column,
        "\(label): the date '\(text)' has \(repair); write it like \(FeedDates.Form.rfc3339.example)"
      )
    }
    return parsed.date
  }

  /// 1.1's `authors`, else 1.0's `author`: objects with `name`, `url`, `avatar`.
  private func authors(single: JSONNode?, list: JSONNode?) -> [Author] {
    let objects = list?.array ?? single.map { [$0] } ?? []
    return objects.compactMap { object in
      guard let name = string(object["name"], "name")?.nilIfEmpty else { return nil }
      return Author(name: name, uri: string(object["url"], "url"))
    }
  }
}
