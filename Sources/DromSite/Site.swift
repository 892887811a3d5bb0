import Crypto
import DromStore
import DromVocabulary
import Foundation
import Mustache

/// The directory's look and words: Mustache templates, locale strings and the stylesheet from
/// `Site/`, shared by the live server and the static export so both render the same pages.
public final class Site: Sendable {
  let library: MustacheLibrary
  /// Locale tag → strings, each already completed from English where a string is missing.
  let locales: [String: [String: String]]
  /// The interface languages, English first, then by tag.
  public let languages: [String]
  public let stylesheet: Data
  /// `/assets/drom.<hash>.css`: named by content, so it can be cached for ever.
  public let stylesheetPath: String
  /// The static export's search page script (Pagefind's interface), `/assets/search.<hash>.js`.
  public let searchScript: Data
  public let searchScriptPath: String

  public static func load(directory: String) async throws -> Site {
    let library = try await MustacheLibrary(directory: directory + "/templates")
    var locales: [String: [String: String]] = [:]
    let localeDirectory = directory + "/locales"
    for file in try FileManager.default.contentsOfDirectory(atPath: localeDirectory)
    where file.hasSuffix(".json") {
      let data = try Data(contentsOf: URL(fileURLWithPath: localeDirectory + "/" + file))
      locales[String(file.dropLast(5))] = try JSONDecoder().decode(
        [String: String].self, from: data)
    }
    guard let english = locales["en"] else {
      throw SiteError.missing(
        "\(localeDirectory)/en.json, the strings every other language falls back to")
    }
    for (tag, strings) in locales { locales[tag] = english.merging(strings) { $1 } }
    func asset(_ name: String) -> Data {
      (try? Data(contentsOf: URL(fileURLWithPath: directory + "/assets/" + name))) ?? Data()
    }
    return Site(
      library: library, locales: locales, stylesheet: asset("drom.css"),
      searchScript: asset("search.js"))
  }

  init(
    library: MustacheLibrary, locales: [String: [String: String]], stylesheet: Data,
    searchScript: Data
  ) {
    self.library = library
    self.locales = locales
    self.languages = locales.keys.sorted { ($0 == "en" ? "" : $0) < ($1 == "en" ? "" : $1) }
    self.stylesheet = stylesheet
    stylesheetPath = "/assets/drom.\(Self.contentHash(stylesheet)).css"
    self.searchScript = searchScript
    searchScriptPath = "/assets/search.\(Self.contentHash(searchScript)).js"
  }

  /// Twelve hex digits of the SHA-256: an asset's name changes exactly when its content does.
  static func contentHash(_ data: Data) -> String {
    Hex.lowercase(SHA256.hash(data: data).prefix(6))
  }

  public enum SiteError: Error, CustomStringConvertible {
    case missing(String)
    case template(String)

    public var description: String {
      switch self {
      case .missing(let what): "the site is missing \(what)"
      case .template(let name): "the template '\(name)' is missing or could not be rendered"
      }
    }
  }

  /// The interface strings of a language, following the explicit fallback chain.
  public func strings(_ language: String) -> [String: String] {
    for tag in LanguageFallback.chain(for: language) {
      if let strings = locales[tag] { return strings }
    }
    return locales["en"] ?? [:]
  }

  public func supports(_ language: String) -> Bool { locales[language] != nil }

  /// The best interface language for an `Accept-Language` header (RFC 9110 §12.5.4).
  public func negotiate(acceptLanguage: String?) -> String {
    guard let header = acceptLanguage else { return "en" }
    let ranges = header.split(separator: ",").compactMap { part -> (String, Double)? in
      let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
      guard let range = pieces.first, !range.isEmpty else { return nil }
      let quality =
        pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
      return (range, quality)
    }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
    for (range, _) in ranges {
      if let exact = languages.first(where: { $0.lowercased() == range.lowercased() }) {
        return exact
      }
      let primary = range.split(separator: "-").first.map { $0.lowercased() } ?? ""
      if primary == "sr" {
        return range.lowercased().contains("cyrl") || range.lowercased() == "sr"
          ? "sr-Cyrl" : "sr-Latn"
      }
      if let match = languages.first(where: { $0.lowercased() == primary }) { return match }
    }
    return "en"
  }

  /// Renders a page inside the layout.
  /// - Parameters:
  ///   - path: the page's address without the language prefix, for the switcher.
  ///   - exported: for the static export, which has no OpenSearch description and whose
  ///     search is a folder (`/sv/search/`).
  /// - Parameter standalone: a document on its own (a downloaded or printed file): the
  ///   stylesheet inside it, no site navigation, search form or language switcher.
  public func render(
    _ page: PageContent, language: String, path: String, exported: Bool = false,
    standalone: Bool = false
  ) throws -> String {
    let strings = strings(language)
    var context = page.context
    context["t"] = strings
    context["lang"] = language
    guard let body = library.render(context, withTemplate: page.template) else {
      throw SiteError.template(page.template)
    }
    let switcher = languages.map { tag in
      [
        "tag": tag, "name": locales[tag]?["languageName"] ?? tag, "url": "/\(tag)\(path)",
        "current": tag == language,
      ] as [String: Any]
    }
    var layout: [String: Any] = [
      "t": strings, "lang": language, "title": page.title, "body": body,
      "stylesheet": stylesheetPath, "languages": switcher, "query": page.context["query"] ?? "",
      "shortlist": page.context["shortlist"] ?? [String](),
      "nav_\(page.navigation)": true, "feedURL": present(page.feedURL), "live": !exported,
    ]
    layout["home"] = "/\(language)/"
    if exported && !standalone {
      // In the page itself, so the policy holds on hosts that send no headers (GitHub Pages, a
      // bucket): what drom serve sends, less frame-ancestors, which a meta element cannot say.
      layout["contentSecurityPolicy"] =
        path.hasPrefix("/search/") ? Self.exportSearchPolicy : Self.exportPolicy
    }
    if standalone {
      layout["standalone"] = true
      layout["inlineStylesheet"] = String(decoding: stylesheet, as: UTF8.self)
        .replacingOccurrences(of: "</", with: "<\\/")
    }
    guard let html = library.render(layout, withTemplate: "layout") else {
      throw SiteError.template("layout")
    }
    return html
  }
}

extension Site {
  /// The static export's Content-Security-Policy, in every page: nothing runs, the stylesheet
  /// and images come from the site.
  public static let exportPolicy =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'"
  /// On its search pages, what Pagefind needs besides: its scripts and WebAssembly from the
  /// site, its index fragments fetched from the site, its icon as a data: image.
  public static let exportSearchPolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'"
}

/// What a page hands the renderer: its template, its title and the values the template shows.
public struct PageContent {
  public var template: String
  public var title: String
  /// Which navigation item is the current page (home, search, sources, about).
  public var navigation: String
  public var context: [String: Any]
  /// An Atom feed of what the page lists, announced in the page's head.
  public var feedURL: String?

  public init(
    template: String, title: String, navigation: String, context: [String: Any],
    feedURL: String? = nil
  ) {
    self.template = template
    self.title = title
    self.navigation = navigation
    self.context = context
    self.feedURL = feedURL
  }
}
