import ArgumentParser
import DromServer
import DromSite
import Foundation
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve the web directory (HTML pages, JSON API, Atom feeds) from the index.",
    discussion: "Reads the index while a harvest writes to it; nothing blocks either.")

  @OptionGroup var database: DatabaseOption
  @OptionGroup var vocabulary: VocabularyOption
  @OptionGroup var pages: SiteOptions
  @Option(help: "The address to listen on.")
  var host: String = "127.0.0.1"
  @Option(help: "The port to listen on.")
  var port: Int = 8080
  @Option(
    help: ArgumentHelp(
      "Searches one client may ask for per second, in bursts of three seconds' worth; 0: no limit.",
      valueName: "n"))
  var searchRate: Double = 20
  @Flag(
    help:
      "Behind a reverse proxy on this machine: count searches by the client address the proxy puts last in X-Forwarded-For."
  )
  var trustForwardedFor = false

  func validate() throws {
    guard searchRate >= 0, searchRate.isFinite else {
      throw ValidationError("--search-rate must be 0 (no limit) or a number of searches a second")
    }
  }

  func run() async throws {
    guard FileManager.default.fileExists(atPath: database.db) else {
      throw ValidationError(
        "there is no index at '\(database.db)': run drom harvest first, or give --db")
    }
    var logger = Logger(label: "drom.serve")
    logger.logLevel = .info
    let index = try database.open()
    // Reading the search table now spares the first visitor the wait (about a second for
    // 100,000 entries).
    _ = try index.overview()
    let app = buildApplication(
      database: index, site: try await Site.load(directory: pages.site),
      vocabulary: try vocabulary.load(),
      configuration: .init(
        host: host, port: port, documents: pages.documents,
        searchRate: searchRate > 0
          ? SearchRateLimit(
            perSecond: searchRate, burst: searchRate * 3, trustForwardedFor: trustForwardedFor)
          : .off),
      logger: logger
    ) { [host] boundPort in
      // Once the port is bound, and at once even into a pipe: scripts wait for this line.
      FileHandle.standardOutput.write(Data("Drom is serving http://\(host):\(boundPort)/\n".utf8))
    }
    try await app.runService()
  }
}

/// Where the pages' templates and published documents are: shared by `serve` and `export`.
struct SiteOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp("The folder of templates, locale strings and assets.", valueName: "dir"))
  var site: String = "Site"
  @Option(
    help: ArgumentHelp(
      "The folder of the feed profile and diagnostics pages (Markdown).", valueName: "dir"))
  var documents: String = "docs"
}
