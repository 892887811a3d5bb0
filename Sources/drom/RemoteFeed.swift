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
    let fetched: (Data, String?, String)
    do {
      fetched = try await fetcher.download(url)
      try await fetcher.shutdown()
    } catch {
      try? await fetcher.shutdown()
      throw CommandFailure("\(error)")
    }
    var options = options
    options.charset = fetched.1
    options.documentURL = fetched.2
    let reader = FeedReader(file: url, options: options, onEntry: onEntry)
    reader.push(fetched.0)
    return reader.finish()
  }
}
