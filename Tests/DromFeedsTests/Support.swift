import DromFeeds
import DromModel
import Foundation

/// The repository's root, found from this file's place in it.
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fixed "now" so consent checks and golden files do not change with the calendar.
let fixedNow = Date(timeIntervalSince1970: 1_795_392_000)  // 2026-11-23

func read(_ xml: String, file: String = "test.xml", options: FeedReadOptions? = nil)
  -> FeedReadResult
{
  read(Data(xml.utf8), file: file, options: options)
}

func read(_ data: Data, file: String = "test.xml", options: FeedReadOptions? = nil)
  -> FeedReadResult
{
  var options = options ?? FeedReadOptions()
  options.now = fixedNow
  return FeedReader.read(data, file: file, options: options)
}

extension FeedReadResult {
  var codes: [String] { diagnostics.map(\.code) }
  func diagnostic(_ code: String) -> Diagnostic? { diagnostics.first { $0.code == code } }
}

/// An Atom feed around the given entries' markup, with the profile's namespaces declared.
func atom(_ entries: String, feedAttributes: String = "xml:lang=\"en\"") -> String {
  """
  <?xml version="1.0" encoding="UTF-8"?>
  <feed xmlns="http://www.w3.org/2005/Atom" xmlns:dcterms="http://purl.org/dc/terms/"
        xmlns:drom="https://w3id.org/drom/ns#" xmlns:fh="http://purl.org/syndication/history/1.0"
        xmlns:at="http://purl.org/atompub/tombstones/1.0" \(feedAttributes)>
  <title>Test partner</title>
  <id>urn:test:feed</id>
  <updated>2026-03-10T09:00:00Z</updated>
  \(entries)
  </feed>
  """
}

/// A well-formed Atom entry with everything the profile wants, plus `extra` markup.
func entry(id: String = "urn:test:1", title: String = "Roma stewards", extra: String = "") -> String
{
  """
  <entry>
    <id>\(id)</id><title>\(title)</title><updated>2026-03-10T09:00:00Z</updated>
    <dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type>
    \(extra)
  </entry>
  """
}
