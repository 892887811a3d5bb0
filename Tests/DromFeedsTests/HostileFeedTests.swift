import DromFeeds
import DromModel
import Foundation
import Testing

@Suite("Hostile feeds are refused with a diagnostic, nothing expanded or fetched")
struct HostileFeedTests {
  @Test("Billion laughs: the entity declarations stop the parse before any expansion")
  func billionLaughs() {
    var declarations = "<!ENTITY lol \"lol\">"
    for level in 1...9 {
      let previous = level == 1 ? "lol" : "lol\(level - 1)"
      declarations +=
        "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
    }
    let result = read(
      "<?xml version=\"1.0\"?><!DOCTYPE rss [\(declarations)]><rss version=\"2.0\"><channel><title>&lol9;</title></channel></rss>"
    )
    #expect(result.isRejected)
    #expect(result.codes == ["xml.entity-declaration"])
    #expect(result.feed.title == nil)
  }

  @Test("An external entity pointing at /etc/passwd is refused and never read")
  func externalEntity() {
    let result = read(
      """
      <?xml version="1.0"?>
      <!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
      <feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title></feed>
      """)
    #expect(result.isRejected)
    #expect(result.codes == ["xml.entity-declaration"])
    #expect(result.diagnostic("xml.entity-declaration")?.location.line == 2)
    #expect(!"\(result)".contains("root:"))
  }

  @Test("A parameter entity that would pull in a remote DTD is refused")
  func parameterEntity() {
    let result = read(
      """
      <?xml version="1.0"?>
      <!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
      <rss version="2.0"><channel><title>x</title></channel></rss>
      """)
    #expect(result.isRejected)
    #expect(result.codes.first == "xml.entity-declaration")
  }

  @Test("An external DTD is ignored: its entities stay undefined")
  func externalDTD() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-dtd-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let dtd = directory.appendingPathComponent("evil.dtd")
    try Data("<!ENTITY secret \"LEAKED\">".utf8).write(to: dtd)
    let result = read(
      """
      <?xml version="1.0"?>
      <!DOCTYPE rss SYSTEM "\(dtd.absoluteString)">
      <rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>a &secret; b</title></item></channel></rss>
      """)
    #expect(result.codes.contains("xml.external-dtd"))
    #expect(result.codes.contains("xml.undefined-entity"))
    #expect(!"\(result)".contains("LEAKED"))
  }

  @Test("A 10 000-deep nest stops at the depth limit")
  func deepNesting() {
    let depth = 10_000
    let document =
      "<rss version=\"2.0\"><channel>" + String(repeating: "<a>", count: depth)
      + String(repeating: "</a>", count: depth) + "</channel></rss>"
    let result = read(document)
    #expect(result.isRejected)
    #expect(result.codes == ["limit.depth"])
  }

  @Test("A 200 MB text node is refused after the text limit, without reading the rest")
  func hugeTextNode() {
    let reader = FeedReader(file: "huge.xml") { _ in }
    reader.push(Data("<rss version=\"2.0\"><channel><title>t</title><item><description>".utf8))
    let chunk = Data(repeating: UInt8(ascii: "A"), count: 1 << 20)
    var pushed = 0
    while pushed < 200, !reader.isStopped {
      reader.push(chunk)
      pushed += 1
    }
    let result = reader.finish()
    #expect(result.codes == ["limit.text-length"])
    #expect(result.isRejected)
    #expect(pushed <= 5, "stopped after \(pushed) MB")
  }

  @Test("Too many attributes on one element is refused")
  func attributeFlood() {
    let attributes = (0..<500).map { "a\($0)=\"x\"" }.joined(separator: " ")
    let result = read("<rss version=\"2.0\" \(attributes)><channel/></rss>")
    #expect(result.codes == ["limit.attributes"])
  }

  @Test("A document over the size limit is refused")
  func documentSize() {
    var options = FeedReadOptions()
    options.limits.maxDocumentBytes = 1_000
    let result = read(atom((1...40).map { entry(id: "urn:test:\($0)") }.joined()), options: options)
    #expect(result.isRejected)
    #expect(result.codes.contains("limit.document-size"))
  }

  @Test("Malformed XML is refused with libxml2's reason and the place")
  func malformed() throws {
    let result = read("<rss version=\"2.0\"><channel>\n<title>Tom & Jerry</title></channel></rss>")
    #expect(result.isRejected)
    let diagnostic = try #require(result.diagnostic("xml.malformed"))
    #expect(diagnostic.location.line == 2)
    #expect(diagnostic.message.contains("&amp;"))
  }
}
