import ArgumentParser
import DromFeeds
import DromHarvest
import DromModel
import DromStore
import Foundation

/// Reads a feed over http(s) with the harvester's fetcher: same limits, address guard and
/// charset handling as a harvest.
enum RemoteFeed {
  static func read(_ url: String, options: FeedReadOptions, onEntry: @escaping (Entry) -> Void)
    async throws -> FeedReadResult
  {
    let fetcher = Fetcher()
    defer { Task { try? await fetcher.shutdown() } }
    let fetched: (Data, String?, String)
    do {
      fetched = try await fetcher.download(url)
    } catch let error as FetchError {
      throw ValidationError("cannot fetch '\(url)': \(error)")
    }
    try await fetcher.shutdown()
    var options = options
    options.charset = fetched.1
    options.documentURL = fetched.2
    let reader = FeedReader(file: url, options: options, onEntry: onEntry)
    reader.push(fetched.0)
    return reader.finish()
  }
}
