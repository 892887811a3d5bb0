import DromFeeds
import DromModel
import Foundation
import Testing

@Suite("JSON Feed, read like any feed")
struct JSONFeedTests {
  private func feed(_ items: String) -> String {
    """
    {"version": "https://jsonfeed.org/version/1.1", "title": "QualiROM", "language": "sr-Latn",
     "items": [\(items)]}
    """
  }

  @Test(
    "escapes: a surrogate pair is one character, a lone half is U+FFFD and loses nothing after it")
  func surrogates() throws {
    let result = read(
      feed(#"{"id": "1", "title": "Romi \ud83d\ude00 i \ud83d\u0041", "content_text": "x"}"#))
    #expect(result.feed.entries.first?.title == "Romi 😀 i \u{FFFD}A")
  }

  @Test(
    "a number as id is read as its text, and a wrong type is ignored with a warning where it is")
  func typesAndPlaces() throws {
    let result = read(
      feed("\n{\"id\": 1042, \"title\": 5, \"content_text\": \"Prakse u firmama. Više.\"}"))
    let entry = try #require(result.feed.entries.first)
    #expect(entry.id == "1042")
    #expect(entry.title == "Prakse u firmama")
    #expect(entry.titleIsDerived)
    let wrong = try #require(result.diagnostic("json.wrong-type"))
    #expect(wrong.location.line == 3)
  }

  @Test("a document of too many values is refused, not read into memory")
  func tooManyValues() {
    let many = String(repeating: "0,", count: 1_100_000) + "0"
    let result = read(feed("{\"id\": \"1\", \"title\": \"t\", \"tags\": [\(many)]}"))
    #expect(result.isRejected)
    #expect(
      result.diagnostic("json.malformed")?.message.contains("more than 1000000 values") == true)
  }
}
