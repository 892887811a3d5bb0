import DromFeeds
import Foundation

/// A registry of partners. Each source kept has a unique key that is its feed's address, an
/// http(s) or file address; a country kept is an ISO 3166-1 code.
enum OPMLHarness {
  static let location = "https://registry.example.org/drom/registry.opml"

  static func run(_ input: Data) throws(FuzzFinding) {
    let (result, stray) = StrayLibXMLErrors.collecting {
      OPMLRegistry.read(input, location: location)
    }
    guard stray.isEmpty || result.diagnostics.contains(where: { $0.severity == .error }) else {
      throw FuzzFinding(
        .opml, "a registry libxml2 stopped reading has an error",
        "libxml2: \(stray); \(result.sources.count) sources and no error")
    }
    var keys: Set<String> = []
    for source in result.sources {
      guard keys.insert(source.key).inserted else {
        throw FuzzFinding(.opml, "a feed is registered once", source.key)
      }
      guard source.key == source.feedURL else {
        throw FuzzFinding(.opml, "a source's key is its feed's address", "\(source.key)")
      }
      let scheme = source.feedURL.prefix { $0 != ":" }.lowercased()
      guard ["http", "https", "file"].contains(scheme), source.feedURL.count > scheme.count else {
        throw FuzzFinding(.opml, "a feed's address is http(s) or a file", source.feedURL)
      }
      if let country = source.country {
        guard country.utf8.count == 2, country.utf8.allSatisfy({ (65...90).contains($0) }) else {
          throw FuzzFinding(.opml, "a country is an ISO 3166-1 code", country)
        }
      }
    }
    for diagnostic in result.diagnostics where diagnostic.location.line < 1 {
      throw FuzzFinding(.opml, "a diagnostic names its line", diagnostic.compilerStyle)
    }
  }
}
