import ArgumentParser
import DromFeeds
import DromModel
import Foundation

/// Placeholder until the harvester's fetcher lands; see RemoteFeed in DromHarvest.
enum RemoteFeed {
  static func read(_ url: String, options: FeedReadOptions, onEntry: @escaping (Entry) -> Void)
    throws -> FeedReadResult
  {
    throw ValidationError("reading feeds over http(s) needs the harvester's fetcher")
  }
}
