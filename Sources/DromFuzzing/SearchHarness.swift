import DromFeeds
import DromModel
import DromSite
import DromStore
import DromVocabulary
import Foundation

/// A search address's query string, as the server reads it: items to `SearchParameters`, then
/// a search of an index of the sample network (`docs/sample-network`) with the vocabularies.
///
/// Bad parameters are a `Problem` (a 400), never a crash. Parameters written back to an address
/// (`queryString`, which every page's links use) read as the same parameters. User text is
/// escaped, so a search without `raw` never fails; with `raw`, only as a bad pattern (a 400,
/// not a 500). A page holds at most its size of hits, and the total counts at least those.
/// `lang` stands for the API's reader language.
enum SearchHarness {
  static func run(_ input: Data, index: DromDatabase, vocabulary: Vocabulary) throws(FuzzFinding) {
    let items = Self.items(String(decoding: input, as: UTF8.self))
    let parameters: SearchParameters
    do {
      parameters = try SearchParameters(items: items)
    } catch {
      return
    }
    let written = parameters.queryString()
    do {
      let reread = try SearchParameters(items: Self.items(written))
      guard reread == parameters else {
        throw FuzzFinding(
          .search, "parameters written to an address read back the same",
          "\(items) → '\(written)' → \(reread)")
      }
    } catch let problem as SearchParameters.Problem {
      throw FuzzFinding(
        .search, "parameters written to an address read back", "\(items) → '\(written)': \(problem)"
      )
    } catch let finding as FuzzFinding {
      throw finding
    } catch {
      throw FuzzFinding(.search, "parameters read back", "\(error)")
    }
    let language = items.last { $0.0 == "lang" }?.1
    let query = parameters.query(readerLanguage: language)
    let results: SearchResults
    do {
      results = try index.search(query, vocabulary: vocabulary)
    } catch SearchError.badPattern(let reason) {
      guard parameters.raw else {
        throw FuzzFinding(.search, "user text is escaped: only raw syntax is a bad pattern", reason)
      }
      return
    } catch {
      throw FuzzFinding(.search, "a search fails only for a bad raw pattern", "\(items): \(error)")
    }
    guard results.hits.count <= query.limit, results.total >= results.hits.count else {
      throw FuzzFinding(
        .search, "a page holds at most its size, the total at least the page",
        "\(results.hits.count) hits, total \(results.total), for \(items)")
    }
    guard results.hits.isEmpty || results.total > query.offset else {
      throw FuzzFinding(
        .search, "a page's hits come after its offset in the total",
        "\(results.hits.count) hits at offset \(query.offset), total \(results.total)")
    }
  }

  /// `application/x-www-form-urlencoded` items: `+` is a space, percent escapes are bytes
  /// (kept as written when they are not UTF-8), an item without `=` has an empty value.
  static func items(_ query: String) -> [(String, String)] {
    query.split(separator: "&", omittingEmptySubsequences: true).map { item in
      let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      func decoded(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
      }
      return (decoded(parts[0]), parts.count > 1 ? decoded(parts[1]) : "")
    }
  }

  /// An index of the sample network's feeds, harvested from files as `drom harvest` would
  /// (read, tagged with the vocabularies' concepts, synchronised).
  static func index(repository: URL, vocabulary: Vocabulary, path: String) async throws
    -> DromDatabase
  {
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: path + suffix)
    }
    let network = repository.appendingPathComponent("docs/sample-network")
    let registry = try OPMLRegistry.read(
      path: network.appendingPathComponent("registry.opml").path)
    let database = try DromDatabase(path: path)
    for state in try database.register(registry.sources) {
      guard let url = URL(string: state.description.feedURL), url.isFileURL else { continue }
      let options = FeedReadOptions(documentURL: state.description.feedURL, now: FuzzHarness.now)
      var feed = FeedReader.read(
        try Data(contentsOf: url), file: state.description.key, options: options
      ).feed
      for index in feed.entries.indices { _ = vocabulary.tag(&feed.entries[index]) }
      let record = HarvestRecord(
        sourceKey: state.description.key, sourceTitle: state.description.title,
        startedAt: FuzzHarness.now, finishedAt: FuzzHarness.now, outcome: .updated)
      _ = try await database.sync(
        source: state, pages: [feed], record: record, memory: FetchMemory(), now: FuzzHarness.now)
    }
    return database
  }
}
