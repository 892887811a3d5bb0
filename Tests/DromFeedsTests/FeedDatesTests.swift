import Foundation
import Testing

@testable import DromFeeds

@Suite("Feed dates, clean and broken")
struct FeedDatesTests {
  private let march10 = Date(timeIntervalSince1970: 1_773_133_200)  // 2026-03-10T09:00:00Z

  @Test(
    "RFC 3339 and its common broken forms",
    arguments: [
      ("2026-03-10T09:00:00Z", false), ("2026-03-10T10:00:00+01:00", false),
      ("2026-03-10t09:00:00z", false), ("2026-03-10T09:00:00.000Z", false),
      ("2026-03-10 09:00:00Z", true), ("2026-03-10T09:00:00", true), ("2026-03-10T09:00Z", true),
      ("2026-03-10T10:00:00+0100", false),
    ])
  func rfc3339(_ text: String, repaired: Bool) throws {
    let parsed = try #require(FeedDates.parse(text, expecting: .rfc3339))
    #expect(parsed.date == march10)
    #expect((parsed.repair != nil) == repaired)
  }

  @Test(
    "RFC 822 and its common broken forms",
    arguments: [
      ("Tue, 10 Mar 2026 09:00:00 GMT", false), ("Tue, 10 Mar 2026 10:00:00 +0100", false),
      ("10 Mar 2026 09:00:00 +0000", false), ("Tuesday, 10 March 2026 09:00:00 UT", false),
      ("Tue, 10 Mar 26 09:00:00 GMT", true), ("Tue 10 Mar 2026 09:00 GMT", false),
      ("Tue, 10 Mar 2026 04:00:00 EST", false), ("Tue, 10 Mar 2026 09:00:00", true),
      ("Tue, 10 Mar 2026 10:00:00 +0100 (CET)", false), ("2026-03-10T09:00:00Z", true),
    ])
  func rfc822(_ text: String, repaired: Bool) throws {
    let parsed = try #require(FeedDates.parse(text, expecting: .rfc822))
    #expect(parsed.date == march10)
    #expect((parsed.repair != nil) == repaired)
  }

  @Test(
    "Nonsense and impossible dates are not read",
    arguments: ["", "soon", "2026-02-30T00:00:00Z", "32 Mar 2026", "2026-13-01"])
  func invalid(_ text: String) {
    #expect(FeedDates.parse(text, expecting: .rfc3339) == nil)
    #expect(FeedDates.parse(text, expecting: .rfc822) == nil)
  }
}
