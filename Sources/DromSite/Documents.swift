import Foundation
import Ink

/// Project documents shown as pages (the feed profile, the diagnostics), rendered once from
/// the Markdown in `docs/` — the same text partners read in the repository.
public struct Documents: Sendable {
  public struct Document: Sendable {
    public var title: String
    /// Rendered from our own Markdown, so trusted; links between documents point at pages.
    public var html: String
  }

  public let pages: [String: Document]

  public static let published = ["feed-profile", "diagnostics"]

  public static func load(directory: String) -> Documents {
    var pages: [String: Document] = [:]
    let parser = MarkdownParser()
    for name in published {
      guard let markdown = try? String(contentsOfFile: "\(directory)/\(name).md", encoding: .utf8)
      else {
        continue
      }
      let html = Self.pageLinks(parser.html(from: markdown))
      let title =
        markdown.split(separator: "\n").first { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)) }
        ?? name
      pages[name] = Document(title: title, html: html)
    }
    return Documents(pages: pages)
  }

  /// Marks where a page's language goes in a document's links (`/@lang@/diagnostics`).
  static let languageMark = "/@lang@/"

  /// The documents' relative links as the directory serves them: to another published
  /// document, its page in the reader's language; to a file of the repository that is no page
  /// (`harvest.md`, `examples/law.atom.xml`), no link, its text kept. Absolute addresses and
  /// fragments stay.
  static func pageLinks(_ html: String) -> String {
    guard let anchor = try? Regex(#"<a href="([^"]*)"([^>]*)>((?:(?!</a>).)*)</a>"#) else {
      return html
    }
    return html.replacing(anchor) { match in
      let href = String(match.output[1].substring ?? "")
      let text = String(match.output[3].substring ?? "")
      let isAbsolute =
        href.hasPrefix("/") || href.hasPrefix("#")
        || href.range(of: #"^[A-Za-z][A-Za-z0-9+.-]*:"#, options: .regularExpression) != nil
      if isAbsolute { return String(match.output[0].substring ?? "") }
      let parts = href.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
      let name = parts[0].hasSuffix(".md") ? String(parts[0].dropLast(3)) : String(parts[0])
      guard published.contains(name) else { return text }
      let fragment = parts.count > 1 ? "#" + parts[1] : ""
      return
        "<a href=\"\(languageMark)\(name)\(fragment)\"\(match.output[2].substring ?? "")>\(text)</a>"
    }
  }
}

extension Pages {
  public func document(_ document: Documents.Document, language: String) -> PageContent {
    PageContent(
      template: "document", title: document.title, navigation: "about",
      context: [
        "html": document.html.replacingOccurrences(
          of: Documents.languageMark, with: "/\(language)/"),
        "foreign": language != "en",
      ])
  }
}
