import DromHarvest
import DromModel
import DromStore
import Foundation
import Testing

/// One feed per language, each entry in its partner's own words.
private func languageFeed(
  _ language: String, _ entries: [(id: String, title: String, summary: String)]
) -> String {
  """
  <?xml version="1.0" encoding="UTF-8"?>
  <feed xmlns="http://www.w3.org/2005/Atom" xmlns:dcterms="http://purl.org/dc/terms/" xml:lang="\(language)">
    <title>\(language)</title><id>urn:\(language)</id><updated>2026-03-10T09:00:00Z</updated>
    \(entries.map { "<entry><id>\($0.id)</id><title>\($0.title)</title><summary>\($0.summary)</summary><updated>2026-03-10T09:00:00Z</updated><dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type></entry>" }.joined(separator: "\n"))
  </feed>
  """
}

@Suite("Searching across languages", .serialized)
struct MultilingualSearchTests {
  private func index() async throws -> HarvestBench {
    let bench = try HarvestBench()
    let feeds: [(String, [(id: String, title: String, summary: String)])] = [
      (
        "sv",
        [
          ("urn:sv:1", "Rutiner mot diskrimineringen", "Så hanteras diskrimineringen i Göteborg"),
          ("urn:sv:2", "Årlig analys", "Diskrimineringsgrunder i arbetslivet"),
        ]
      ),
      ("el", [("urn:el:1", "ΕΡΓΑΣΙΑΣ ΚΑΙ ΕΝΤΑΞΗΣ", "Ζώνες συμβουλευτικής για πρόσφυγες")]),
      ("en", [("urn:en:1", "Roma stewards", "Mediators from the Roma community in Brussels")]),
      ("sr-Cyrl", [("urn:sr:1", "Запошљавање младих Рома", "Праксе у компанијама у Новом Саду")]),
      ("es", [("urn:es:1", "Empleo para jóvenes", "Itinerarios de empleo en Madrid")]),
    ]
    var sources: [SourceDescription] = []
    for (language, entries) in feeds {
      bench.server.serve("/\(language)", body: languageFeed(language, entries))
      sources.append(bench.source("/\(language)"))
    }
    try await bench.harvest(sources)
    return bench
  }

  private func ids(_ bench: HarvestBench, _ text: String) throws -> Set<String> {
    Set(try bench.database.search(SearchQuery(text: text, limit: 50)).hits.map(\.entryID))
  }

  @Test("Swedish 'diskriminering' finds 'diskrimineringen' and 'diskrimineringsgrunder'")
  func swedishStemsAndCompounds() async throws {
    let bench = try await index()
    #expect(try ids(bench, "diskriminering") == ["urn:sv:1", "urn:sv:2"])
  }

  @Test("Greek 'εργασία' finds 'ΕΡΓΑΣΙΑΣ'")
  func greekCaseAndAccents() async throws {
    let bench = try await index()
    #expect(try ids(bench, "εργασία") == ["urn:el:1"])
  }

  @Test("Cyrillic 'Рома' finds 'Roma', and Latin 'Roma' finds 'Рома'")
  func cyrillicAndLatin() async throws {
    let bench = try await index()
    #expect(try ids(bench, "Рома") == ["urn:en:1", "urn:sr:1"])
    #expect(try ids(bench, "Romi zaposljavanje") == ["urn:sr:1"])
  }

  @Test("'Goteborg' finds 'Göteborg'")
  func diacritics() async throws {
    let bench = try await index()
    #expect(try ids(bench, "Goteborg") == ["urn:sv:1"])
  }

  @Test("Spanish 'empleos' finds 'empleo', and snippets carry no internal marks")
  func spanishStemAndSnippets() async throws {
    let bench = try await index()
    let results = try bench.database.search(SearchQuery(text: "empleos"))
    #expect(results.hits.map(\.entryID) == ["urn:es:1"])
    #expect(results.hits[0].snippet.lowercased().contains("[empleo]"))
    #expect(!results.hits[0].snippet.unicodeScalars.contains { $0.value == 1 })
  }

  @Test("Query syntax in user text is read as words, and a bad raw pattern is an error")
  func syntaxIsText() async throws {
    let bench = try await index()
    #expect(try bench.database.search(SearchQuery(text: "Roma AND \"NEAR(")).total == 0)
    #expect(throws: SearchError.self) {
      try bench.database.search(SearchQuery(text: "Roma AND \"NEAR(", rawSyntax: true))
    }
  }
}
