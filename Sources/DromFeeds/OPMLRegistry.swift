import DromModel
import Foundation

/// Reads the OPML 2.0 registry of partner sources with the same safe streaming parser as feeds.
///
/// Each `outline` with an `xmlUrl` is a source; outlines may be grouped (by country, say) in
/// outlines without one. The profile's attributes (`drom:city`, `drom:country`, …) describe the
/// partner. A bad line is a diagnostic naming it; the other lines still count.
public enum OPMLRegistry {
  public struct Result: Sendable {
    public var title: String?
    public var sources: [SourceDescription]
    public var diagnostics: [Diagnostic]
  }

  /// - Parameter location: the registry's path or URL; relative `xmlUrl`s resolve against it.
  public static func read(_ data: Data, location: String, file: String? = nil) -> Result {
    let diagnostics = DiagnosticCollector(file: file ?? location)
    let sink = RegistrySink(diagnostics: diagnostics, base: baseURL(for: location))
    let parser = XMLStreamParser(limits: ParserLimits(), diagnostics: diagnostics, sink: sink)
    parser.push(data)
    parser.finish()
    return Result(title: sink.title, sources: sink.sources, diagnostics: diagnostics.diagnostics)
  }

  public static func read(path: String) throws -> Result {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return read(data, location: path, file: path)
  }

  static func baseURL(for location: String) -> String {
    if URLResolver.scheme(of: location) != nil { return location }
    let absolute = URL(fileURLWithPath: location).standardizedFileURL
    return absolute.absoluteString
  }
}

private final class RegistrySink: XMLSplitSink {
  let diagnostics: DiagnosticCollector
  let base: String
  var title: String?
  var sources: [SourceDescription] = []
  private var keys: Set<String> = []

  init(diagnostics: DiagnosticCollector, base: String) {
    self.diagnostics = diagnostics
    self.base = base
  }

  func decide(
    _ name: QName, attributes: [(name: QName, value: String)], depth: Int, line: Int, column: Int
  ) -> SplitDecision {
    switch (depth, name.local) {
    case (0, "opml"), (1, "head"), (1, "body"): return .container
    case (0, _):
      diagnostics.add(
        .error, "registry.not-opml", line: line, column: column,
        "the registry's root element is <\(name.local)>, not <opml>: Drom's registry is an OPML 2.0 file"
      )
      return .reject
    default: return .subtree
    }
  }

  func receive(_ node: XMLNode, depth: Int) {
    switch node.name.local {
    case "title": title = node.trimmedText
    case "outline": outline(node)
    default: break
    }
  }

  func close(container: QName, depth: Int) {}

  private func outline(_ node: XMLNode) {
    guard let xmlURL = node.attribute("xmlUrl")?.trimmingCharacters(in: .whitespaces),
      !xmlURL.isEmpty
    else {
      for child in node.all("", "outline") { outline(child) }
      return
    }
    let name = node.attribute("title") ?? node.attribute("text") ?? xmlURL
    let resolved = URLResolver.resolve(xmlURL, against: base)
    guard let scheme = URLResolver.scheme(of: resolved), ["http", "https", "file"].contains(scheme)
    else {
      diagnostics.error(
        "registry.bad-url", at: node,
        "the source '\(name)' has the address '\(xmlURL)', which is neither http(s) nor a file: give its feed's full address in xmlUrl"
      )
      return
    }
    guard keys.insert(resolved).inserted else {
      diagnostics.error(
        "registry.duplicate", at: node,
        "the feed '\(xmlURL)' is listed twice; only the first line counts: remove the other")
      return
    }
    var source = SourceDescription(key: resolved, title: name, feedURL: resolved)
    source.htmlURL = node.attribute("htmlUrl")
    if let language = node.attribute("language") {
      source.language = LanguageTag(language)
      if source.language == nil {
        diagnostics.warning(
          "registry.bad-language", at: node,
          "the source '\(name)' has the language '\(language)', which is not a BCP 47 tag such as 'sv' or 'sr-Latn'"
        )
      }
    }
    source.city = node.attribute("city", namespace: NS.drom)
    if let country = node.attribute("country", namespace: NS.drom)?.uppercased() {
      if Countries.iso3166Alpha2.contains(country) {
        source.country = country
      } else {
        diagnostics.warning(
          "registry.bad-country", at: node,
          "the source '\(name)' has the country '\(country)', which is not an ISO 3166-1 code such as BE, SE or RS"
        )
      }
    }
    source.nuts = node.attribute("nuts", namespace: NS.drom)
    source.lau = node.attribute("lau", namespace: NS.drom)
    source.lauYear = node.attribute("lau-year", namespace: NS.drom).flatMap { Int($0) }
    source.organisation = node.attribute("organisation", namespace: NS.drom)
    source.allowPrivateAddress = node.attribute("allow-private", namespace: NS.drom) == "true"
    sources.append(source)
  }
}
