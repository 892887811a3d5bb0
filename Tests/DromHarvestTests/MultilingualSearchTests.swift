import DromHarvest
import DromModel
import DromStore
import DromVocabulary
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
    let results = try await bench.database.search(SearchQuery(text: "empleos"))
    #expect(results.hits.map(\.entryID) == ["urn:es:1"])
    #expect(results.hits[0].snippet.lowercased().contains("[empleo]"))
    #expect(!results.hits[0].snippet.unicodeScalars.contains { $0.value == 1 })
  }

  @Test("Query syntax in user text is read as words, and a bad raw pattern is an error")
  func syntaxIsText() async throws {
    let bench = try await index()
    #expect(try await bench.database.search(SearchQuery(text: "Roma AND \"NEAR(")).total == 0)
    await #expect(throws: SearchError.self) {
      try await bench.database.search(SearchQuery(text: "Roma AND \"NEAR(", rawSyntax: true))
    }
  }
}

@Suite("Searching through the vocabularies", .serialized)
struct ConceptSearchTests {
  private let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Vocabularies")
    .path

  private func tagged(_ language: String, _ id: String, _ title: String, _ categories: String)
    -> String
  {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom" xmlns:dcterms="http://purl.org/dc/terms/" xml:lang="\(language)">
      <title>\(language)</title><id>urn:\(language)</id><updated>2026-03-10T09:00:00Z</updated>
      <entry><id>\(id)</id><title>\(title)</title><updated>2026-03-10T09:00:00Z</updated>
        <dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type>\(categories)</entry>
    </feed>
    """
  }

  private func bench() async throws -> HarvestBench {
    let bench = try HarvestBench()
    bench.vocabulary = try Vocabulary.load(directory: shipped)
    bench.server.serve(
      "/da",
      body: tagged(
        "da", "urn:da:1", "Mentorordning i København",
        "<dcterms:audience>https://w3id.org/drom/vocab/target-groups/roma</dcterms:audience>"))
    bench.server.serve(
      "/nl", body: tagged("nl", "urn:nl:1", "Begeleiding in Molenbeek", "<category term=\"Roma\"/>")
    )
    bench.server.serve("/es", body: tagged("es", "urn:es:1", "Programa para gitanos", ""))
    bench.server.serve(
      "/sv",
      body: tagged(
        "sv", "urn:sv:1", "Praktikplatser",
        "<category scheme=\"https://w3id.org/drom/vocab/themes\" term=\"internships\"/>"))
    try await bench.harvest(["/da", "/nl", "/es", "/sv"].map { bench.source($0) })
    return bench
  }

  @Test(
    "Spanish 'gitanos' finds entries tagged with the Roma concept in Danish and Dutch, below the Spanish text match"
  )
  func gitanos() async throws {
    let bench = try await bench()
    let hits = try await bench.database.search(
      SearchQuery(text: "gitanos"), vocabulary: bench.vocabulary
    )
    .hits.map(\.entryID)
    #expect(hits.first == "urn:es:1")
    #expect(Set(hits) == ["urn:es:1", "urn:da:1", "urn:nl:1"])
  }

  @Test("A theme filter includes its narrower themes")
  func narrowerThemes() async throws {
    let bench = try await bench()
    let results = try await bench.database.search(
      SearchQuery(text: "", filters: [.theme: ["training"]]))
    #expect(results.hits.map(\.entryID) == ["urn:sv:1"])
  }
}

@Suite("Translations", .serialized)
struct TranslationTests {
  @Test(
    "A search shows one version of a translated entry: the reader's, and the page links the others")
  func readerLanguageVersion() async throws {
    let bench = try HarvestBench()
    bench.server.serve(
      "/foyer",
      body: """
        <?xml version="1.0" encoding="UTF-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xmlns:dcterms="http://purl.org/dc/terms/" xml:lang="nl">
          <title>Foyer</title><id>urn:foyer</id><updated>2026-03-10T09:00:00Z</updated>
          <entry><id>urn:foyer:stewards</id><title>Roma-stewards in Brussel</title><updated>2026-03-10T09:00:00Z</updated>
            <dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type></entry>
          <entry xml:lang="fr"><id>urn:foyer:stewards-fr</id><title>Stewards roms à Bruxelles</title><updated>2026-03-10T09:00:00Z</updated>
            <dcterms:isVersionOf>urn:foyer:stewards</dcterms:isVersionOf>
            <dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type></entry>
        </feed>
        """)
    try await bench.harvest([bench.source("/foyer")])
    var query = SearchQuery(text: "")
    query.readerLanguage = "fr"
    let french = try await bench.database.search(query)
    #expect(french.total == 1)
    #expect(french.hits.map(\.entryID) == ["urn:foyer:stewards-fr"])
    query.readerLanguage = "nl"
    let dutch = try await bench.database.search(query)
    #expect(dutch.hits.map(\.entryID) == ["urn:foyer:stewards"])
    let page = try #require(try bench.database.entry(slug: dutch.hits[0].slug))
    #expect(page.translations.map(\.language) == ["fr"])
  }
}

@Suite("The search cache", .serialized)
struct SearchCacheTests {
  @Test("answers a repeated search from memory, and forgets everything when a harvest runs")
  func cacheUntilHarvest() async throws {
    let bench = try HarvestBench()
    bench.server.serve("/feed", body: feed([("urn:1", "Roma stewards")]))
    try await bench.harvest([bench.source("/feed")])
    let cache = SearchCache()
    let query = SearchQuery(text: "stewards")
    let first = try await bench.database.search(query, vocabulary: .empty, cache: cache)
    #expect(first.total == 1)
    bench.server.serve(
      "/feed", body: feed([("urn:1", "Roma stewards"), ("urn:2", "More stewards")]))
    // Before the harvest commits, the cached answer stands; after it, the new entry is found.
    try await bench.harvest([bench.source("/feed")])
    let second = try await bench.database.search(query, vocabulary: .empty, cache: cache)
    #expect(second.total == 2)
    let third = try await bench.database.search(query, vocabulary: .empty, cache: cache)
    #expect(third == second)
  }

  @Test("keeps the answers in use when full, and evicts the least recently used")
  func leastRecentlyUsedGoesFirst() {
    let cache = GenerationCache<Int>(capacity: 8)
    _ = cache.lookup("popular", generation: 1)
    cache.store(0, for: "popular", generation: 1)
    for index in 1...40 {
      cache.store(index, for: "once \(index)", generation: 1)
      #expect(cache.lookup("popular", generation: 1) == 0)
    }
    #expect(cache.lookup("once 1", generation: 1) == nil)
    #expect(cache.lookup("once 40", generation: 1) == 40)
    #expect(cache.lookup("popular", generation: 2) == nil)
  }
}
