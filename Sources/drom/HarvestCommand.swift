import ArgumentParser
import DromFeeds
import DromHarvest
import DromModel
import DromStore
import DromVocabulary
import Foundation
import Logging

#if canImport(Glibc)
  import Glibc
#endif

/// Where the index lives, for every command that uses it.
struct DatabaseOption: ParsableArguments {
  @Option(help: ArgumentHelp("The SQLite index file.", valueName: "file"))
  var db: String = "drom.sqlite"

  func open() throws -> DromDatabase {
    do { return try DromDatabase(path: db) } catch let error as DromDatabase.OpenError {
      throw ValidationError("\(error)")
    }
  }
}

struct Harvest: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fetch every partner feed of the registry into the index.",
    discussion: """
      One transaction per source: a source that fails to fetch or parse changes nothing \
      already indexed from it. Exits with status 1 only when every source failed.
      """)

  @Option(help: ArgumentHelp("The OPML registry of partner sources.", valueName: "file"))
  var registry: String = "registry.opml"

  @OptionGroup var database: DatabaseOption

  @Option(help: "Fetches at once to one host.")
  var perHost: Int = 2

  @Option(help: "Fetches at once in all.")
  var concurrency: Int = 8

  @Flag(help: "Fetch sources that are backing off after failures too.")
  var force = false

  @OptionGroup var vocabulary: VocabularyOption

  func run() async throws {
    guard FileManager.default.fileExists(atPath: registry) else {
      throw ValidationError("cannot read the registry '\(registry)': give its path with --registry")
    }
    let read = try OPMLRegistry.read(path: registry)
    for diagnostic in read.diagnostics { printError(diagnostic.compilerStyle) }
    guard !read.sources.isEmpty else {
      throw ValidationError("the registry '\(registry)' lists no source with an xmlUrl")
    }
    let index = try database.open()
    var options = HarvestOptions()
    options.perHost = perHost
    options.concurrency = concurrency
    options.ignoreBackoff = force
    var logger = Logger(label: "drom.harvest")
    logger.logLevel = .warning
    let display = ProgressDisplay(total: read.sources.count)
    let folder = vocabulary
    let results = try await Harvester(
      database: index, options: options,
      vocabulary: {
        do { return try folder.load() } catch {
          printError(
            "warning: the vocabularies could not be read (\(error)); categories are kept as plain tags"
          )
          return .empty
        }
      }, logger: logger
    ).run(
      read.sources, progress: { display.update($0) })
    display.finish()
    let failed = results.filter { [.failed, .rejected].contains($0.record.outcome) }
    let counts = results.reduce(into: SyncCounts()) {
      $0.added += $1.record.counts.added
      $0.changed += $1.record.counts.changed
      $0.deleted += $1.record.counts.deleted
      $0.unchanged += $1.record.counts.unchanged
    }
    let unchangedSources = results.count { $0.record.outcome == .notModified }
    print(
      "harvested \(results.count) sources into \(database.db): \(counts.added) added, \(counts.changed) changed, \(counts.deleted) deleted, \(counts.unchanged) unchanged; \(unchangedSources) sources not modified, \(failed.count) failed"
    )
    for failure in failed {
      print(
        "  \(failure.source.title): \(failure.record.outcome.rawValue): \(failure.record.message ?? "")"
      )
    }
    if failed.contains(where: { $0.record.message == Harvester.diskFullMessage }) {
      printError(
        "error: the disk holding \(database.db) is full: the partners above marked so were not written (the index is as it was for them); free space and run drom harvest again"
      )
      throw ExitCode(1)
    }
    if !results.isEmpty, failed.count == results.count { throw ExitCode(1) }
  }
}

/// A one-line live display on a terminal; a plain line per source otherwise.
final class ProgressDisplay: @unchecked Sendable {
  private let total: Int
  private let lock = NSLock()
  private var done = 0
  private var entries = 0
  private var errors = 0
  private let interactive = isatty(STDOUT_FILENO) == 1

  init(total: Int) {
    self.total = total
  }

  func update(_ result: SourceHarvest) {
    lock.withLock {
      done += 1
      entries +=
        result.record.counts.added + result.record.counts.changed + result.record.counts.unchanged
      if [.failed, .rejected].contains(result.record.outcome) { errors += 1 }
      if interactive {
        FileHandle.standardOutput.write(
          Data("\r\(done)/\(total) sources · \(entries) entries · \(errors) errors".utf8))
      } else {
        let record = result.record
        // Written at once, not buffered: a log follows the harvest as it happens.
        FileHandle.standardOutput.write(
          Data(
            "\(record.outcome.rawValue) \(result.source.title): +\(record.counts.added) ~\(record.counts.changed) -\(record.counts.deleted)\(record.message.map { " (\($0))" } ?? "")\n"
              .utf8))
      }
    }
  }

  func finish() {
    if interactive { print("") }
  }
}

func printError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}
