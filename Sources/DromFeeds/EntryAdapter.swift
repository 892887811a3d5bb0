import DromModel
import Foundation

/// What every entry of one document shares while it is adapted.
final class AdapterContext {
  let diagnostics: DiagnosticCollector
  let options: FeedReadOptions
  var feedLanguage: String?
  var feedAuthors: [Author] = []
  /// The feed's own date, given to entries that have none.
  var feedUpdated: Date?
  /// Base for relative links when no `xml:base` applies: the document's URL, else the feed's
  /// own home page link.
  var linkBase: String?
  /// What this thread reuses from entry to entry.
  let workspace: AdapterWorkspace

  func languageTag(_ raw: String) -> LanguageTag? {
    workspace.languageTag(raw)
  }

  init(
    diagnostics: DiagnosticCollector, options: FeedReadOptions,
    workspace: AdapterWorkspace = AdapterWorkspace()
  ) {
    self.diagnostics = diagnostics
    self.options = options
    self.workspace = workspace
    linkBase = options.documentURL
  }

  /// What adapting one entry elsewhere needs: the feed's context as it stands now, with a
  /// collector of its own whose diagnostics are replayed into this one in document order.
  func snapshotForOneEntry() -> (AdapterWorkspace) -> AdapterContext {
    let (file, options, saturated) = (diagnostics.file, options, diagnostics.saturatedCodes)
    let (feedLanguage, feedAuthors, linkBase, feedUpdated) = (
      feedLanguage, feedAuthors, linkBase, feedUpdated
    )
    return { workspace in
      let copy = AdapterContext(
        diagnostics: DiagnosticCollector(file: file, keepingAll: true, saturated: saturated),
        options: options, workspace: workspace)
      copy.feedLanguage = feedLanguage
      copy.feedAuthors = feedAuthors
      copy.linkBase = linkBase
      copy.feedUpdated = feedUpdated
      return copy
    }
  }
}

/// What one thread reuses from entry to entry: language tags already read (most entries repeat
/// the feed's few languages) and a parser for HTML fragments. One per thread that adapts
/// entries; never shared.
final class AdapterWorkspace {
  private var tags: [String: LanguageTag?] = [:]
  let html = HTMLFragmentParser()

  func languageTag(_ raw: String) -> LanguageTag? {
    if let known = tags[raw] { return known }
    let tag = LanguageTag(raw)
    tags[raw] = tag
    return tag
  }
}

/// Turns the raw entry of each format into Drom's `Entry`, reporting what it had to guess.
/// Format-specific parts are here; the profile's extensions are in `ProfileAdapter`.
enum EntryAdapter {
  static func entry(from atom: AtomEntry, number: Int, context: AdapterContext) -> Entry? {
    let node = atom.node
    let title = atom.title.map {
      plainText($0.type, $0.value, base: node.base, with: context.workspace.html)
    }
    let base = node.base ?? context.linkBase
    var links: [Link] = []
    for link in atom.links {
      guard let href = link.href else { continue }
      if let resolved = checkedLink(
        href, base: link.node.base ?? base, at: link.node, context: context)
      {
        links.append(
          Link(
            href: resolved, rel: link.rel, type: link.type, hreflang: link.hreflang,
            title: link.title, length: link.length.flatMap { Int($0) }))
      }
    }
    var entry = start(id: atom.id, title: title, node: node)
    entry.links = links
    let label = entryLabel(number, entry.title, describesPerson: describesPerson(node))
    entry.published = atom.published.flatMap { date($0, .rfc3339, label: label, context: context) }
    if let updated = atom.updated {
      entry.updated = date(updated, .rfc3339, label: label, context: context)
    } else if entry.published != nil {
      entry.updated = entry.published
    } else {
      undated(
        &entry, label: label, node: node, context: context,
        fix: "add <updated>2026-03-10T09:00:00+01:00</updated>, changed whenever the entry changes")
    }
    if let summary = atom.summary {
      entry.summary =
        plainText(
          summary.type, summary.value, base: node.base, with: context.workspace.html
        ).nilIfEmpty
    }
    if let content = atom.content, content.src == nil {
      // The content's own xml:base (inherited ones included) resolves its links.
      entry.content = richText(
        content.text.type, content.text.value, base: content.text.node.base ?? base,
        label: label, node: content.text.node, context: context)
    }
    entry.authors = atom.authors.compactMap(author(from:))
    if entry.authors.isEmpty { entry.authors = context.feedAuthors }
    entry.contributors = atom.contributors.compactMap(author(from:))
    entry.categories = atom.categories.compactMap { category in
      category.term.map { Category(term: $0, scheme: category.scheme, label: category.label) }
    }
    entry.rights = atom.rights.map {
      plainText($0.type, $0.value, base: nil, with: context.workspace.html)
    }
    applyMedia(atom.media, to: &entry, base: base, node: node, context: context)
    entry.language = ProfileAdapter.language(
      node.lang ?? context.feedLanguage, label: label, at: node, context: context)
    guard
      complete(
        &entry, link: links.first { $0.rel == "alternate" }?.href, number: number, node: node,
        context: context)
    else { return nil }
    return ProfileAdapter.apply(to: entry, node: node, label: label, context: context)
  }

  static func entry(from item: RSSItem, number: Int, context: AdapterContext) -> Entry? {
    let node = item.node
    let base = node.base ?? context.linkBase
    var link = item.link.flatMap { checkedLink($0, base: base, at: node, context: context) }
    if link == nil, let guid = item.guid, guid.isPermaLink,
      let scheme = URLResolver.scheme(of: guid.value), ["http", "https"].contains(scheme)
    {
      link = guid.value
    }
    let title = item.title.map {
      plainText("html", $0, base: nil, with: context.workspace.html)
    }
    var entry = start(id: item.guid?.value, title: title, node: node)
    let label = entryLabel(number, entry.title, describesPerson: describesPerson(node))
    if let link { entry.links.append(Link(href: link)) }
    for enclosure in item.enclosures {
      guard let url = enclosure.url,
        let resolved = checkedLink(url, base: base, at: node, context: context)
      else { continue }
      entry.links.append(
        Link(
          href: resolved, rel: "enclosure", type: enclosure.type,
          length: enclosure.length.flatMap { Int($0) }))
    }
    if let dateNode = item.pubDate {
      entry.published = date(dateNode, .rfc822, label: label, context: context)
    } else if let dateNode = item.dublinCore.date {
      entry.published = date(dateNode, .rfc3339, label: label, context: context)
    } else {
      undated(
        &entry, label: label, node: node, context: context,
        fix: "add <pubDate>Tue, 10 Mar 2026 09:00:00 +0100</pubDate>")
    }
    if !entry.dateIsFromFeed { entry.updated = entry.published }
    applyRSSText(
      description: item.description, encoded: item.contentEncoded, to: &entry, base: base,
      label: label, node: node, context: context)
    entry.authors = (item.dublinCore.creators + [item.author].compactMap { $0 }).map(author(from:))
    entry.contributors = item.dublinCore.contributors.map(author(from:))
    entry.categories =
      item.categories.map { Category(term: $0.value, scheme: $0.domain) }
      + item.dublinCore.subjects.map { Category(term: $0) }
    entry.rights = item.dublinCore.rights
    applyMedia(item.media, to: &entry, base: base, node: node, context: context)
    if entry.authors.isEmpty { entry.authors = context.feedAuthors }
    entry.language = ProfileAdapter.language(
      item.dublinCore.language ?? node.lang ?? context.feedLanguage, label: label, at: node,
      context: context)
    guard complete(&entry, link: link, number: number, node: node, context: context) else {
      return nil
    }
    return ProfileAdapter.apply(to: entry, node: node, label: label, context: context)
  }

  static func entry(from item: RDFItem, number: Int, context: AdapterContext) -> Entry? {
    let node = item.node
    let base = node.base ?? context.linkBase
    let link = item.link.flatMap { checkedLink($0, base: base, at: node, context: context) }
    let title = item.title.map {
      plainText("html", $0, base: nil, with: context.workspace.html)
    }
    var entry = start(id: item.about ?? item.dublinCore.identifier, title: title, node: node)
    let label = entryLabel(number, entry.title, describesPerson: describesPerson(node))
    if let link { entry.links.append(Link(href: link)) }
    if let dateNode = item.dublinCore.date {
      entry.published = date(dateNode, .rfc3339, label: label, context: context)
      entry.updated = entry.published
    } else {
      undated(
        &entry, label: label, node: node, context: context,
        fix: "add <dc:date>2026-03-10T09:00:00+01:00</dc:date>")
    }
    applyRSSText(
      description: item.description, encoded: item.contentEncoded, to: &entry, base: base,
      label: label, node: node, context: context)
    entry.authors = item.dublinCore.creators.map(author(from:))
    if entry.authors.isEmpty { entry.authors = context.feedAuthors }
    entry.contributors = item.dublinCore.contributors.map(author(from:))
    entry.categories = item.dublinCore.subjects.map { Category(term: $0) }
    entry.rights = item.dublinCore.rights
    entry.language = ProfileAdapter.language(
      item.dublinCore.language ?? node.lang ?? context.feedLanguage, label: label, at: node,
      context: context)
    guard complete(&entry, link: link, number: number, node: node, context: context) else {
      return nil
    }
    return ProfileAdapter.apply(to: entry, node: node, label: label, context: context)
  }

  // MARK: - Shared steps

  /// A new entry with the id and title its feed gave; either may still be empty, until
  /// `complete` fills them in.
  private static func start(id: String?, title: String?, node: XMLNode) -> Entry {
    Entry(id: id ?? "", kind: .practice, title: title ?? "", line: node.line)
  }

  private static func applyRSSText(
    description: XMLNode?, encoded: XMLNode?, to entry: inout Entry, base: String?,
    label: EntryLabel, node: XMLNode, context: AdapterContext
  ) {
    // A `content:encoded` of nothing but white space is as good as none: the description is
    // the content then.
    let encoded = encoded.flatMap { $0.isBlank ? nil : $0 }
    if let description {
      // Sanitised once: its text is the summary, and without content:encoded it is the content
      // (only then is its HTML needed).
      let summary = description.withText {
        $0.isEmpty
          ? nil
          : HTMLSanitizer.sanitize(
            $0, base: base, keepingHTML: encoded == nil, with: context.workspace.html)
      }
      if let summary {
        entry.summary = summary.text.nilIfEmpty
        reportRemoved(summary.removed, label: label, node: node, context: context)
        if encoded == nil, !summary.text.isEmpty || !summary.html.isEmpty {
          entry.content = RichText(html: summary.html, text: summary.text)
        }
      }
    }
    if let encoded {
      let result = encoded.withText {
        HTMLSanitizer.sanitize($0, base: base, with: context.workspace.html)
      }
      reportRemoved(result.removed, label: label, node: node, context: context)
      if !result.text.isEmpty || !result.html.isEmpty {
        entry.content = RichText(html: result.html, text: result.text)
      }
    }
  }

  /// How diagnostics name an entry. A person's entry is titled with their name, and
  /// diagnostics reach the public harvest report even when the entry is refused for want of
  /// consent: they never quote a person's title.
  static func entryLabel(_ number: Int, _ title: String?, describesPerson: Bool = false)
    -> EntryLabel
  {
    EntryLabel(number: number, title: describesPerson ? nil : title)
  }

  /// Whether the entry says it is of kind person (`dcterms:type`), read before the profile is
  /// applied so that no diagnostic quotes the person's name.
  static func describesPerson(_ node: XMLNode) -> Bool {
    DCTermsElements(node).types.contains { EntryKind(typeValue: $0) == .person }
  }

  /// A text construct or RSS text reduced to plain text.
  static func plainText(
    _ type: String, _ value: String, base: String?, with parser: HTMLFragmentParser? = nil
  ) -> String {
    switch type {
    case "html", "xhtml", "text/html":
      var value = value
      return value.withUTF8 {
        HTMLSanitizer.sanitize(
          $0, base: base, keepingHTML: false, with: parser ?? HTMLFragmentParser()
        ).text
      }
    default:
      return HTMLSanitizer.collapseWhitespace(value)
    }
  }

  static func richText(
    _ type: String, _ value: String, base: String?, label: EntryLabel, node: some DiagnosticPlace,
    context: AdapterContext
  ) -> RichText? {
    let result: HTMLSanitizer.Result
    switch type {
    case "html", "xhtml", "text/html", "application/xhtml+xml":
      var value = value
      result = value.withUTF8 {
        HTMLSanitizer.sanitize($0, base: base, with: context.workspace.html)
      }
    default:
      let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
      result = .init(
        html: HTMLEscaping.escape(text), text: HTMLSanitizer.collapseWhitespace(text), removed: [])
    }
    reportRemoved(result.removed, label: label, node: node, context: context)
    guard !result.text.isEmpty || !result.html.isEmpty else { return nil }
    return RichText(html: result.html, text: result.text)
  }

  private static func reportRemoved(
    _ removed: [String], label: EntryLabel, node: some DiagnosticPlace, context: AdapterContext
  ) {
    guard !removed.isEmpty else { return }
    context.diagnostics.note(
      "entry.html-removed", at: node,
      "\(label): markup that could run code or load content was removed from its text (\(removed.joined(separator: ", "))); the rest is shown"
    )
  }

  static func checkedLink(
    _ href: String, base: String?, at node: some DiagnosticPlace, context: AdapterContext
  ) -> String? {
    let resolved = URLResolver.resolve(href, against: base)
    guard URLResolver.isWebAddress(resolved) else {
      context.diagnostics.warning(
        "entry.bad-link", at: node,
        "the link '\(href)' is not a full http(s) address and was dropped: write it as https://…")
      return nil
    }
    return resolved
  }

  static func date(
    _ node: XMLNode, _ form: FeedDates.Form, label: EntryLabel, context: AdapterContext
  ) -> Date? {
    guard let text = node.trimmedText, let parsed = FeedDates.parse(text, expecting: form) else {
      context.diagnostics.warning(
        "entry.bad-date", at: node,
        "\(label): the date '\(node.text.trimmingCharacters(in: .whitespacesAndNewlines))' cannot be read: write it like \(form.example)"
      )
      return nil
    }
    if let repair = parsed.repair {
      context.diagnostics.note(
        "entry.date-repaired", at: node,
        "\(label): the date '\(text)' has \(repair); write it like \(form.example)")
    }
    return parsed.date
  }

  /// An Atom person construct with a name.
  static func author(from person: AtomPerson) -> Author? {
    person.name.map { Author(name: $0, uri: person.uri, email: person.email) }
  }

  /// RSS `author` is "email (Name)"; `dc:creator` is a name.
  static func author(from text: String) -> Author {
    let utf8 = text.utf8
    if utf8.last == UInt8(ascii: ")"), let open = utf8.firstIndex(of: UInt8(ascii: "(")),
      utf8.contains(UInt8(ascii: "@"))
    {
      let email = text[..<open].trimmingCharacters(in: .whitespaces)
      let name = text[text.index(after: open)..<text.index(before: text.endIndex)]
      return Author(name: String(name), email: email)
    }
    return Author(name: text)
  }
}

/// How messages name an entry: "entry 3 (“Roma stewards”)". Built only when a message is.
struct EntryLabel: CustomStringConvertible {
  var number: Int
  var title: String?

  var description: String {
    guard let title, !title.isEmpty else { return "entry \(number)" }
    let short = title.count > 60 ? String(title.prefix(57)) + "…" : title
    return "entry \(number) (“\(short)”)"
  }
}

extension String {
  var nilIfEmpty: String? { isEmpty ? nil : self }
}
