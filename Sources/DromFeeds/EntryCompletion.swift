import DromModel
import Foundation

/// The steps every format's adapter ends with: what to do when a feed leaves out a title, an
/// id or a date, and what podcast and Media RSS fields add.
extension EntryAdapter {
  /// Gives an entry without a title one made from its text, and one without an id an id made
  /// from its link and title. False when the entry has neither title nor any text: there is
  /// nothing to list, and it is left out.
  static func complete(
    _ entry: inout Entry, link: String?, number: Int, node: some DiagnosticPlace,
    context: AdapterContext
  ) -> Bool {
    if entry.title.isEmpty {
      guard let derived = DerivedTitle.make(from: entry.summary ?? entry.content?.text ?? "")
      else {
        context.diagnostics.error(
          "entry.empty", at: node,
          "entry \(number) has neither a title nor any text, so it was left out: add <title>…</title> with the practice's name"
        )
        return false
      }
      entry.title = derived
      entry.titleIsDerived = true
      context.diagnostics.warning(
        "entry.no-title", at: node,
        "entry \(number) has no title; Drom shows the start of its text instead (“\(derived)”): add <title>…</title> with the practice's name"
      )
    }
    if entry.id.isEmpty {
      entry.id = StableID.derived(link: link, title: entry.title)
      entry.idIsDerived = true
      context.diagnostics.warning(
        "entry.no-id", at: node,
        "\(entryLabel(number, entry.title, describesPerson: (node as? XMLNode).map(describesPerson) ?? false)) has no id; Drom made one from its link and title, which changes if either changes: add <id> (Atom), <guid> (RSS) or \"id\" (JSON Feed) that never changes"
      )
    }
    return true
  }

  /// An entry without a date of its own takes its feed's, flagged, with a warning.
  static func undated(
    _ entry: inout Entry, label: EntryLabel, node: some DiagnosticPlace, context: AdapterContext,
    fix: String
  ) {
    if let feedDate = context.feedUpdated {
      entry.updated = feedDate
      entry.dateIsFromFeed = true
    }
    context.diagnostics.warning(
      "entry.no-date", at: node,
      "\(label) has no date\(context.feedUpdated == nil ? "" : ", so it carries the feed's"): \(fix)"
    )
  }

  /// Podcast and Media RSS fields, where the entry has nothing better: its image, media
  /// files as enclosures, a summary, an author.
  static func applyMedia(
    _ media: MediaExtensions, to entry: inout Entry, base: String?, node: XMLNode,
    context: AdapterContext
  ) {
    guard !media.isEmpty else { return }
    if entry.image == nil, let image = media.image {
      entry.image = checkedLink(image, base: base, at: node, context: context)
    }
    for content in media.contents where !content.isImage {
      guard !entry.links.contains(where: { $0.href == content.url }),
        let resolved = checkedLink(content.url, base: base, at: node, context: context)
      else { continue }
      entry.links.append(
        Link(
          href: resolved, rel: "enclosure", type: content.type,
          length: content.fileSize.flatMap { Int($0) }))
    }
    if entry.summary == nil {
      if let description = media.description {
        entry.summary =
          plainText(
            description.attribute("type") ?? "plain", description.text, base: base,
            with: context.workspace.html
          ).nilIfEmpty
      } else if let summary = media.podcastSummary {
        entry.summary = HTMLSanitizer.collapseWhitespace(summary).nilIfEmpty
      }
    }
    if entry.authors.isEmpty, let author = media.podcastAuthor {
      entry.authors = [Author(name: author)]
    }
  }
}
