import Foundation
import Testing

@testable import DromServer
@testable import DromStore

@Suite("The search API's answer, written by hand")
struct SearchResponseJSONTests {
  /// Every control character, quotes, backslashes, slashes, characters outside the BMP and the
  /// line separators JavaScript once choked on.
  static let awkward =
    String((0..<0x20).map { Character(Unicode.Scalar($0)!) }) + "\"\\/ </script> \u{7F} é ŋ Ρ Ж"
    + " \u{2028}\u{2029} 🇷🇴 👩🏽‍💼 \u{FEFF}"

  static func hit(_ index: Int, text: String, optionals: Bool) -> SearchHit {
    SearchHit(
      sourceKey: "partner-\(index)\(text)", sourceTitle: "Partner \(text)",
      entryID: "urn:drom:\(index)/\(text)", kind: "practice", language: optionals ? "ro" : nil,
      title: "Loc de muncă \(text)", snippet: "…[mediere] \(text)…",
      link: optionals ? "https://example.org/a/b?c=d&e=\(index)" : nil,
      updated: optionals ? Date(timeIntervalSince1970: 1_700_000_000.789 + Double(index)) : nil,
      slug: "ro/entry-\(index)", alsoPublishedBy: index % 2 == 0 ? [] : ["A \(text)", "B"])
  }

  @Test("the bytes are JSONEncoder's, with sorted keys, unescaped slashes and ISO 8601 dates")
  func sameBytesAsTheEncoder() throws {
    let texts = ["", "plain", Self.awkward]
    var responses: [APIRoutes.SearchResponse] = []
    for text in texts {
      responses.append(
        APIRoutes.SearchResponse(
          total: 12_345, page: 2, pageSize: 20,
          hits: (0..<4).map { Self.hit($0, text: text, optionals: $0 % 2 == 1) },
          facets: Dictionary(
            uniqueKeysWithValues: Facet.allCases.map { facet in
              (
                facet.rawValue,
                [FacetCount(value: "v\(text)", count: 7), FacetCount(value: "w", count: 1)]
              )
            })))
    }
    responses.append(
      APIRoutes.SearchResponse(total: 0, page: 1, pageSize: 20, hits: [], facets: [:]))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    for response in responses {
      let expected = try encoder.encode(response)
      let written = SearchResponseJSON.encode(response)
      #expect(
        written == expected,
        "\(String(decoding: written, as: UTF8.self))\nvs\n\(String(decoding: expected, as: UTF8.self))"
      )
    }
  }
}
