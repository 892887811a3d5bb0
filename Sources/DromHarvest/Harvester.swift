import DromFeeds
import DromModel
import DromStore
import DromVocabulary
import Foundation
import GRDB
import Logging

/// What happened to each source in one run, as the progress display and the summary show it.
public struct SourceHarvest: Sendable {
  public var source: SourceDescription
  public var record: HarvestRecord
}

public struct HarvestOptions: Sendable {
  /// Fetches at once in all.
  public var concurrency = 8
  /// Fetches at once to one host.
  public var perHost = 2
  /// Fetch even sources that are backing off after failures.
  public var ignoreBackoff = false
  public var fetch = FetchPolicy()
  public var parserLimits = ParserLimits()
  public var backoff = Backoff()
  /// Archive pages (RFC 5005) followed on a source's first harvest.
  public var maxArchivePages = 100

  public init() {}
}

/// Runs a harvest: every registered source fetched (concurrently, politely), read, and synced
/// into the index in one transaction per source. A source that fails changes nothing already
/// indexed from it; its failure is recorded and it backs off.
public final class Harvester: Sendable {
  let database: DromDatabase
  let options: HarvestOptions
  private let vocabularyLoader: Lazy<Vocabulary>
  var vocabulary: Vocabulary { vocabularyLoader.value }
  let taggingCache = TaggingCache()
  let logger: Logger

  public init(
    database: DromDatabase, options: HarvestOptions = .init(), vocabulary: Vocabulary = .empty,
    logger: Logger
  ) {
    self.database = database
    self.options = options
    self.vocabularyLoader = Lazy { vocabulary }
    self.logger = logger
  }

  /// With vocabularies read only when a feed has changed: an unchanged harvest (all 304s)
  /// never pays for loading and indexing them.
  public init(
    database: DromDatabase, options: HarvestOptions = .init(),
    vocabulary: @escaping @Sendable () -> Vocabulary, logger: Logger
  ) {
    self.database = database
    self.options = options
    self.vocabularyLoader = Lazy(vocabulary)
    self.logger = logger
  }

  /// What a partner's report says when its entries could not be written for want of space.
  public static let diskFullMessage =
    "the disk holding the index is full, so nothing of this partner was written (its entries are as they were): free space and harvest again"

  public func run(
    _ sources: [SourceDescription], now: @escaping @Sendable () -> Date = Date.init,
    progress: @escaping @Sendable (SourceHarvest) -> Void = { _ in }
  ) async throws -> [SourceHarvest] {
    let states = try database.register(sources)
    // Before any source is harvested, so this run's records tell every cache the index changed.
    let withdrawn = try database.withdrawExpiredConsent(now: now())
    let fetcher = Fetcher(policy: options.fetch)
    let limiter = HostLimiter(perHost: options.perHost)
    let unchanged = UnchangedRecords(database: database)
    var results: [SourceHarvest] = []
    do {
      try await withThrowingTaskGroup(of: SourceHarvest.self) { group in
        var pending = states[...]
        func startNext() {
          guard let state = pending.popFirst() else { return }
          group.addTask {
            let host = URL(string: state.fetchURL)?.host ?? state.fetchURL
            await limiter.acquire(host)
            let result = await self.harvest(
              state, fetcher: fetcher, unchanged: unchanged, now: now)
            await limiter.release(host)
            return result
          }
        }
        for _ in 0..<max(1, options.concurrency) { startNext() }
        while let result = try await group.next() {
          results.append(result)
          progress(result)
          startNext()
        }
      }
      try await unchanged.flush()
    } catch {
      try? await fetcher.shutdown()
      throw error
    }
    try await fetcher.shutdown()
    // What was removed or replaced leaves the file's bytes within this harvest (erasure).
    if withdrawn.entries + withdrawn.cards > 0
      || results.contains(where: { $0.record.counts.deleted + $0.record.counts.changed > 0 })
    {
      if try !database.purgeRemovedText() {
        logger.warning(
          "the index's write-ahead log could not be truncated while readers held it; removed text stays in it until it is reused"
        )
      }
    }
    return results
  }

  func harvest(
    _ state: SourceState, fetcher: Fetcher, unchanged: UnchangedRecords,
    now: @Sendable () -> Date
  ) async -> SourceHarvest {
    let started = now()
    var record = HarvestRecord(
      sourceKey: state.description.key, sourceTitle: state.description.title, startedAt: started,
      finishedAt: started, outcome: .failed)
    if !options.ignoreBackoff, let next = state.nextAttemptAt, next > started {
      record.outcome = .deferred
      record.message =
        "backing off after \(state.failures) failures until \(ISO8601DateFormatter().string(from: next))"
      return SourceHarvest(source: state.description, record: record)
    }
    do {
      switch try await fetcher.fetch(state) {
      case .notModified(let status, let memory):
        record.outcome = .notModified
        record.httpStatus = status
        record.finishedAt = now()
        try await unchanged.add((record, state.id, memory))
      case .body(let data, let status, let charset, let finalURL, let memory):
        record.httpStatus = status
        record.bytes = data.count
        var readOptions = FeedReadOptions(
          limits: options.parserLimits, documentURL: finalURL.hasPrefix("file:") ? nil : finalURL,
          charset: charset, now: started)
        readOptions.now = started
        let result = FeedReader.read(data, file: state.description.key, options: readOptions)
        record.diagnostics = result.diagnostics
        record.finishedAt = now()
        if result.isRejected {
          record.outcome = .rejected
          record.message = result.diagnostics.first { $0.severity == .error }?.message
          try await fail(state, record: record)
        } else {
          var pages = [result.feed]
          if state.lastSuccessAt == nil {
            pages += await archivePages(
              after: result.feed, at: finalURL, source: state, fetcher: fetcher, record: &record)
          }
          for index in pages.indices {
            record.diagnostics += tagConcepts(&pages[index], file: state.description.key)
          }
          record.outcome = .updated
          record.finishedAt = now()
          record.counts = try await database.sync(
            source: state, pages: pages, record: record, memory: memory, now: started)
        }
      }
    } catch let error as FetchError {
      record.message = error.description
      record.httpStatus = error.httpStatus
      record.finishedAt = now()
      try? await fail(state, record: record)
    } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
      // The partner's transaction was rolled back: its entries are as they were.
      record.outcome = .failed
      record.message = Self.diskFullMessage
      record.finishedAt = now()
      try? await fail(state, record: record)
    } catch {
      record.outcome = .failed
      record.message = "\(error)"
      record.finishedAt = now()
      try? await fail(state, record: record)
    }
    logger.info(
      "harvested",
      metadata: [
        "source": "\(state.description.key)", "outcome": "\(record.outcome.rawValue)",
        "added": "\(record.counts.added)", "changed": "\(record.counts.changed)",
        "deleted": "\(record.counts.deleted)",
      ])
    return SourceHarvest(source: state.description, record: record)
  }

  /// Maps each entry's categories and audiences to vocabulary concepts; a category that names
  /// none is kept as a plain tag and noted once per feed, with the closest concepts.
  private func tagConcepts(_ feed: inout FeedDocument, file: String) -> [Diagnostic] {
    guard !vocabulary.concepts.isEmpty else { return [] }
    var diagnostics: [Diagnostic] = []
    var noted: Set<String> = []
    for index in feed.entries.indices {
      for unmapped in vocabulary.tag(&feed.entries[index], cache: taggingCache)
      where noted.insert(unmapped.category).inserted {
        let suggestions = unmapped.closest.compactMap { vocabulary.concepts[$0] }.map {
          "\(vocabulary.label($0, language: "en")) (\($0.scheme)/\($0.term))"
        }
        diagnostics.append(
          Diagnostic(
            location: SourceLocation(file: file, line: feed.entries[index].line, column: 1),
            severity: .note, code: "category.unmapped",
            message:
              "the category '\(unmapped.category)' names no concept of Drom's vocabularies, so it is kept as a plain tag\(suggestions.isEmpty ? "" : "; did you mean " + suggestions.joined(separator: " or ") + "?") Use <category scheme=\"…\" term=\"…\"/> with a vocabulary term"
          ))
      }
    }
    return diagnostics
  }

  /// RFC 5005 archived feeds: on a source's first harvest, the `prev-archive` pages are
  /// followed (newest first, up to a limit) so the index starts with the partner's whole
  /// history. A page that cannot be read ends the walk; what was read still counts.
  private func archivePages(
    after first: FeedDocument, at address: String, source: SourceState, fetcher: Fetcher,
    record: inout HarvestRecord
  ) async -> [FeedDocument] {
    var pages: [FeedDocument] = []
    var visited: Set<String> = [address]
    var current = (feed: first, address: address)
    while pages.count < options.maxArchivePages, let link = current.feed.previousArchive {
      guard let url = URL(string: link, relativeTo: URL(string: current.address))?.absoluteString,
        visited.insert(url).inserted
      else { break }
      do {
        let (data, charset, finalURL) = try await fetcher.download(
          url, allowPrivate: source.description.allowPrivateAddress)
        record.bytes += data.count
        var readOptions = FeedReadOptions(
          limits: options.parserLimits, documentURL: finalURL.hasPrefix("file:") ? nil : finalURL,
          charset: charset, now: record.startedAt)
        readOptions.now = record.startedAt
        let page = FeedReader.read(data, file: url, options: readOptions)
        record.diagnostics += page.diagnostics
        guard !page.isRejected else {
          record.message =
            "the archive page \(url) could not be read; older pages were not followed"
          break
        }
        pages.append(page.feed)
        current = (page.feed, finalURL)
      } catch {
        record.message =
          "the archive page \(url) could not be fetched (\(error)); older pages were not followed"
        break
      }
    }
    return pages
  }

  private func fail(_ state: SourceState, record: HarvestRecord) async throws {
    let next = options.backoff.nextAttempt(after: state.failures + 1, from: record.finishedAt)
    try await database.recordHarvest(record, sourceID: state.id, memory: nil, nextAttemptAt: next)
  }
}

/// The records of sources that had nothing new, written many to a transaction: an unchanged
/// harvest is hundreds of 304s, and a transaction each was most of its time.
actor UnchangedRecords {
  private let database: DromDatabase
  private var pending: [(record: HarvestRecord, sourceID: Int64, memory: FetchMemory)] = []
  private static let batch = 100

  init(database: DromDatabase) {
    self.database = database
  }

  func add(_ harvest: (record: HarvestRecord, sourceID: Int64, memory: FetchMemory)) async throws {
    pending.append(harvest)
    if pending.count >= Self.batch { try await flush() }
  }

  func flush() async throws {
    let batch = pending
    pending.removeAll()
    try await database.recordUnchangedHarvests(batch)
  }
}

/// A value computed once, on first use, from any thread.
final class Lazy<Value: Sendable>: @unchecked Sendable {  // state only under `lock`
  private let lock = NSLock()
  private var make: (@Sendable () -> Value)?
  private var stored: Value?

  init(_ make: @escaping @Sendable () -> Value) {
    self.make = make
  }

  var value: Value {
    lock.withLock {
      if let stored { return stored }
      let value = make!()
      stored = value
      make = nil
      return value
    }
  }
}
