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

  @Test("Bytes that are not in the declared encoding are an xml.encoding error")
  func invalidBytes() {
    var data = Data(feed(encoding: "UTF-8", title: "Bad X").utf8)
    data.replaceSubrange(data.range(of: Data("X".utf8))!, with: [0xFF, 0xFE, 0x41])
    let result = read(data)
    #expect(result.codes.contains("xml.encoding"))
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
