import DromFeeds
import DromModel
import Foundation
import Testing

/// A long feed's entries are adapted on a second thread; what the reader hands back must be
/// what one thread gives: the same entries, in the same order, with the same diagnostics.
@Suite struct EntryPipelineTests {
  /// An RSS feed of `count` items that exercises the adapters: HTML to sanitise (with script),
  /// relative links against the channel link, languages, repeated ids, items without a title
  /// or date, categories, and channel metadata that changes half-way.
  static func longFeed(items count: Int) -> String {
    var items = ""
    for number in 1...count {
      let id = number % 97 == 0 ? "item-\(number - 1)" : "item-\(number)"
      let title = number % 13 == 0 ? "" : "<title>Mentoring cohort \(number) in Göteborg</title>"
      let date = number % 11 == 0 ? "" : "<pubDate>Tue, 10 Mar 2026 09:00:00 +0100</pubDate>"
      let language = ["sv", "ro", "sr-Latn", "el", "xx-invalid-", ""][number % 6]
      let languageElement = language.isEmpty ? "" : "<dc:language>\(language)</dc:language>"
      items += """
        <item>\(title)<link>practices/\(number)</link><guid isPermaLink="false">\(id)</guid>
        \(date)\(languageElement)<category>Roma inclusion</category>
        <description><![CDATA[<p onclick="x()">Roma and migrant job-seekers \(number)
        <script>alert(\(number))</script><a href="javascript:alert(1)">bad</a>
        <a href="../contact">contact</a></p>]]></description></item>

        """
      if number == count / 2 {
        items += "<language>sr</language>\n"
      }
    }
    return """
      <?xml version="1.0" encoding="UTF-8"?>
      <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
      <title>Projekt Gränsgångare</title><link>https://grans.example.se/news/</link>
      <language>sv</language>
      \(items)
      </channel></rss>
      """
  }

  @Test func aLongFeedReadsTheSameOnTwoThreadsAsOnOne() throws {
    let feed = Self.longFeed(items: 700)
    var oneThread = FeedReadOptions()
    oneThread.parallelAdaptationAfter = .max
    var twoThreads = FeedReadOptions()
    twoThreads.parallelAdaptationAfter = 0

    let sequential = read(feed, options: oneThread)
    let pipelined = read(feed, options: twoThreads)

    // Left out: 7 items repeating an earlier id; the 53 without a title take one from their text.
    #expect(sequential.entryCount == 700 - 7)
    #expect(sequential.feed.entries.filter(\.titleIsDerived).count == 53)
    #expect(pipelined.entryCount == sequential.entryCount)
    // Compared as Bools: printing 700 entries on a failure helps nobody.
    let sameEntries = pipelined.feed.entries == sequential.feed.entries
    let sameDiagnostics = pipelined.diagnostics == sequential.diagnostics
    #expect(sameEntries)
    #expect(sameDiagnostics)
    #expect(sequential.codes.contains("entry.duplicate-id"))
    #expect(sequential.codes.contains("entry.no-title"))
    // Items without a language take the channel's, which changes half-way through the feed.
    let channelLanguages = Set(
      pipelined.feed.entries.filter { Int($0.id.dropFirst(5))! % 6 == 5 }.compactMap {
        $0.language?.description
      })
    #expect(channelLanguages == ["sv", "sr"])
    #expect(!pipelined.feed.entries.contains { $0.content?.html.contains("script") ?? true })
  }
}
