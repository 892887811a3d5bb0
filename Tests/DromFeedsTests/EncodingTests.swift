import DromFeeds
import DromModel
import Foundation
import Testing

@Suite("Declared encodings, BOMs and transport charsets are honoured")
struct EncodingTests {
  private func feed(encoding: String?, title: String) -> String {
    let declaration =
      encoding.map { "<?xml version=\"1.0\" encoding=\"\($0)\"?>" } ?? "<?xml version=\"1.0\"?>"
    return declaration
      + "<rss version=\"2.0\"><channel><title>t</title><language>da</language><item><guid>1</guid><title>\(title)</title></item></channel></rss>"
  }

  private func title(_ data: Data, charset: String? = nil) -> String? {
    var options = FeedReadOptions()
    options.charset = charset
    return read(data, options: options).feed.entries.first?.title
  }

  @Test("UTF-8, with and without a byte order mark")
  func utf8() {
    let text = feed(encoding: "UTF-8", title: "Beskæftigelse for nyankomne")
    #expect(title(Data(text.utf8)) == "Beskæftigelse for nyankomne")
    #expect(title(Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)) == "Beskæftigelse for nyankomne")
  }

  @Test("UTF-16 in both byte orders, found from the byte order mark")
  func utf16() {
    let text = feed(encoding: "UTF-16", title: "Εργασία για πρόσφυγες")
    let little = Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!
    let big = Data([0xFE, 0xFF]) + text.data(using: .utf16BigEndian)!
    #expect(title(little) == "Εργασία για πρόσφυγες")
    #expect(title(big) == "Εργασία για πρόσφυγες")
  }

  @Test("ISO-8859-1 and ISO-8859-15 (where 0xA4 is the euro sign)")
  func latin() {
    let latin1 = feed(encoding: "ISO-8859-1", title: "Integração").data(using: .isoLatin1)!
    #expect(title(latin1) == "Integração")
    var latin9 = Data(feed(encoding: "ISO-8859-15", title: "Budget X").utf8)
    let marker = latin9.range(of: Data("X".utf8))!
    latin9.replaceSubrange(marker, with: [0xA4])
    #expect(title(latin9) == "Budget €")
  }

  @Test("Windows-1252, declared as such")
  func windows1252() {
    let data = feed(encoding: "windows-1252", title: "“Blind hiring” – a guide").data(
      using: .windowsCP1252)!
    #expect(title(data) == "“Blind hiring” – a guide")
  }

  @Test("Windows-1252 bytes declared as ISO-8859-1 are repaired, with a warning")
  func mislabelledWindows1252() {
    let data = feed(encoding: "ISO-8859-1", title: "“Roma stewards” – Brussel").data(
      using: .windowsCP1252)!
    let result = read(data)
    #expect(result.feed.entries.first?.title == "“Roma stewards” – Brussel")
    #expect(result.codes.contains("feed.charset-repaired"))
  }

  @Test("The HTTP charset overrides the document's declaration")
  func transportCharset() {
    let data = feed(encoding: "UTF-8", title: "Señal").data(using: .isoLatin1)!
    #expect(title(data, charset: "ISO-8859-1") == "Señal")
  }

  @Test("Windows-1252 bytes declared as UTF-8 are read as Windows-1252, with a warning")
  func windows1252DeclaredUTF8() {
    let data = feed(encoding: "UTF-8", title: "“Égalité” – 5 €").data(using: .windowsCP1252)!
    let result = read(data)
    #expect(result.feed.entries.first?.title == "“Égalité” – 5 €")
    #expect(result.codes.contains("feed.charset-mismatch"))
    #expect(!result.isRejected)
    // A byte Windows-1252 leaves undefined (0x81): read as ISO-8859-1 instead.
    var undefined = Data(feed(encoding: "UTF-8", title: "Café X").data(using: .windowsCP1252)!)
    undefined.replaceSubrange(undefined.range(of: Data("X".utf8))!, with: [0x81])
    #expect(read(undefined).feed.entries.first?.title == "Café \u{81}")
  }

  @Test("UTF-8 bytes declared as ISO-8859-1, or served as such, are read as UTF-8, with a warning")
  func utf8DeclaredLatin1() {
    let data = Data(feed(encoding: "ISO-8859-1", title: "Göteborg – Beograd, Ђурђевдан").utf8)
    let result = read(data)
    #expect(result.feed.entries.first?.title == "Göteborg – Beograd, Ђурђевдан")
    #expect(result.codes.contains("feed.charset-mismatch"))
    let served = Data(feed(encoding: nil, title: "Malmö").utf8)
    #expect(title(served, charset: "ISO-8859-1") == "Malmö")
    // Real Latin-1 stays Latin-1.
    #expect(title(feed(encoding: "ISO-8859-1", title: "Malmö").data(using: .isoLatin1)!) == "Malmö")
  }

  @Test("A UTF-8 feed with one stray Windows-1252 byte is not read as Windows-1252 throughout")
  func strayByteInUTF8() {
    var data = Data(feed(encoding: "UTF-8", title: "Göteborg X").utf8)
    data.replaceSubrange(data.range(of: Data("X".utf8))!, with: [0x92])
    let result = read(data)
    #expect(!result.codes.contains("feed.charset-mismatch"))
    #expect(result.feed.entries.first?.title != "GÃ¶teborg ’")
    #expect(result.codes.contains("xml.encoding"))
  }

  @Test(
    "A server's charset=utf-8 over a document that declares its own encoding: the document wins")
  func transportUTF8OverDeclaredCyrillic() throws {
    let text = feed(encoding: "windows-1251", title: "Рома у Београду")
    let cp1251 = try #require(text.data(using: .windowsCP1251))
    #expect(title(cp1251, charset: "utf-8") == "Рома у Београду")
  }

  @Test("A Latin-1 feed whose first accented byte ends the first piece stays Latin-1")
  func latin1LeadByteAtTheEnd() {
    let text = feed(encoding: "ISO-8859-1", title: "Integração")
    let data = text.data(using: .isoLatin1)!
    let cut = data.firstIndex(of: 0xE7)! + 1  // ç, the first byte beyond ASCII
    var entries: [Entry] = []
    let reader = FeedReader(file: "split.xml") { entries.append($0) }
    reader.push(data.subdata(in: 0..<cut))
    reader.push(data.subdata(in: cut..<data.count))
    let result = reader.finish()
    #expect(!result.diagnostics.contains { $0.code == "feed.charset-mismatch" })
    #expect(entries.first?.title == "Integração")
  }

  @Test("UTF-32 in both byte orders, with and without a byte order mark")
  func utf32() {
    let text = feed(encoding: "UTF-32", title: "Εργασία – Рома у Београду")
    let little = Data([0xFF, 0xFE, 0, 0]) + text.data(using: .utf32LittleEndian)!
    let big = Data([0, 0, 0xFE, 0xFF]) + text.data(using: .utf32BigEndian)!
    let bare = text.data(using: .utf32BigEndian)!
    for data in [little, big, bare] {
      let result = read(data)
      #expect(result.feed.entries.first?.title == "Εργασία – Рома у Београду")
      #expect(result.codes.contains("feed.utf-32"))
    }
    // Pushed in pieces that split its code units, it reads the same.
    var entries: [Entry] = []
    let pieces = FeedReader(file: "split.xml") { entries.append($0) }
    for start in stride(from: 0, to: little.count, by: 7) {
      pieces.push(little.subdata(in: start..<min(start + 7, little.count)))
    }
    _ = pieces.finish()
    #expect(entries.first?.title == "Εργασία – Рома у Београду")
  }

  @Test("Bytes that contradict the encoding after the first piece are an xml.encoding error")
  func invalidBytesLater() {
    let text = feed(encoding: "UTF-8", title: "Bad X")
    let cut = text.range(of: "Bad")!.lowerBound
    let reader = FeedReader(file: "test.xml") { _ in }
    reader.push(Data(text[..<cut].utf8))
    reader.push(Data([0xFF, 0xFE, 0x41]) + Data(text[cut...].utf8))
    let result = reader.finish()
    #expect(result.diagnostics.contains { $0.code == "xml.encoding" })
    #expect(result.isRejected)
  }

  @Test("An unknown transport charset is an xml.encoding error")
  func unknownCharset() {
    var options = FeedReadOptions()
    options.charset = "x-klingon"
    let result = read(Data(feed(encoding: nil, title: "x").utf8), options: options)
    #expect(result.codes == ["xml.encoding"])
  }
}

@Suite("Bytes an encoding cannot convert")
struct ConversionFailureTests {
  @Test(
    "a byte Windows-1251 leaves undefined rejects the feed instead of silently ending it (a complete feed would have deleted the rest)"
  )
  func undefinedByteRejects() throws {
    let url = repositoryRoot.appendingPathComponent(
      "Tests/Fixtures/fuzz/feed/conversion-error-windows-1251.atom.xml")
    let data = try Data(contentsOf: url)
    // Whole, and in the harvester's pieces: both must say so.
    let result = read(data, file: "partner.xml")
    #expect(result.isRejected, "\(result.codes)")
    let error = try #require(result.diagnostic("xml.encoding"))
    #expect(error.message.contains("cannot read"))
    #expect(error.location.line >= 5)
  }
}
