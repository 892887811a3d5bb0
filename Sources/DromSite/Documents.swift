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
      var html = parser.html(from: markdown)
      for other in published {
        html = html.replacingOccurrences(of: "href=\"\(other).md", with: "href=\"\(other)")
      }
      let title =
        markdown.split(separator: "\n").first { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)) }
        ?? name
      pages[name] = Document(title: title, html: html)
    }
    return Documents(pages: pages)
  }
}

extension Pages {
  public func document(_ document: Documents.Document, language: String) -> PageContent {
    PageContent(
      template: "document", title: document.title, navigation: "about",
      context: ["html": document.html, "foreign": language != "en"])
  }
}
