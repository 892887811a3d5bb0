import DromFeeds
import DromModel
import Foundation

/// A feed document, read whole (as `drom validate` reads a file) and again in pieces (as the
/// harvester reads a response while it arrives): both must give the same feed, entries and
/// diagnostics, and every entry's HTML must be what the sanitiser promises.
enum FeedHarness {
  static let options = FeedReadOptions(
    documentURL: "https://partner.example.org/news/feed.xml", now: FuzzHarness.now)

  static func run(_ input: Data) throws(FuzzFinding) {
    let (whole, stray) = StrayLibXMLErrors.collecting {
      FeedReader.read(input, file: "fuzz", options: options)
    }
    try check(whole, stray: stray, read: "whole")
    let (pieces, strayInPieces) = StrayLibXMLErrors.collecting {
      readInPieces(input, size: pieceSize(input))
    }
    try check(pieces, stray: strayInPieces, read: "in pieces of \(pieceSize(input)) bytes")
    // Where libxml2 halted depends on the pieces.
    guard stray.isEmpty, strayInPieces.isEmpty else { return }
    if whole.isRejected { try checkEncodingErrorLine(input, whole) }
    // The encoding is checked against the first piece only, by design (EncodingCheck): when
    // either reading corrected it, the two need not agree.
    let corrected = [whole, pieces].contains {
      $0.diagnostics.contains { $0.code == "feed.charset-mismatch" }
    }
    guard !corrected else { return }
    guard whole.isRejected == pieces.isRejected else {
      let splitDoctype = pieces.diagnostics.contains {
        $0.severity == .error && $0.message.contains("System or Public ID")
      }
      throw FuzzFinding(
        .feed, "read whole and in pieces, the document is rejected only once",
        "whole: \(whole.isRejected) \(errors(whole)), pieces of \(pieceSize(input)) bytes: \(pieces.isRejected) \(errors(pieces))",
        knownIssue: splitDoctype && !whole.isRejected ? .doctypeLiteralSplit : nil)
    }
    // A refused document changes nothing, so where libxml2 stopped reading it does not matter.
    guard !whole.isRejected else { return }
    let wholeDiagnostics = whole.diagnostics.map(summary)
    let piecesDiagnostics = pieces.diagnostics.map(summary)
    guard wholeDiagnostics == piecesDiagnostics else {
      throw FuzzFinding(
        .feed, "read whole and in pieces, the diagnostics differ",
        "pieces of \(pieceSize(input)) bytes; whole: \(wholeDiagnostics); pieces: \(piecesDiagnostics)"
      )
    }
    guard whole.feed == pieces.feed else {
      throw FuzzFinding(
        .feed, "read whole and in pieces, the feeds differ",
        "pieces of \(pieceSize(input)) bytes; \(difference(whole.feed, pieces.feed))")
    }
  }

  /// What each reading must hold on its own.
  static func check(_ result: FeedReadResult, stray: [String], read: String) throws(FuzzFinding) {
    guard stray.isEmpty || result.isRejected else {
      throw FuzzFinding(
        .feed, "a document libxml2 stopped reading is rejected",
        "read \(read), libxml2: \(stray); accepted with \(result.feed.entries.count) entries and no error"
      )
    }
    let entries = result.feed.entries
    guard result.entryCount == entries.count else {
      throw FuzzFinding(
        .feed, "entryCount counts the entries handed on",
        "\(result.entryCount) counted, \(entries.count) handed on")
    }
    var ids: Set<String> = []
    for entry in entries {
      guard !entry.id.isEmpty, ids.insert(entry.id).inserted else {
        throw FuzzFinding(.feed, "every entry kept has an id of its own", "'\(entry.id)'")
      }
      if let html = entry.content?.html, let problem = SafeHTML.problem(in: html) {
        throw FuzzFinding(.feed, "an entry's HTML is sanitised", "entry '\(entry.id)': \(problem)")
      }
    }
  }

  /// In a document meant as UTF-8 (so declared, or undeclared, and not corrected), an
  /// `xml.encoding` error names the line of the first byte that is not UTF-8.
  static func checkEncodingErrorLine(_ input: Data, _ result: FeedReadResult) throws(FuzzFinding) {
    guard let error = result.diagnostics.first(where: { $0.code == "xml.encoding" }),
      !result.diagnostics.contains(where: { $0.code.hasPrefix("feed.charset") }),
      !result.diagnostics.contains(where: { $0.code == "feed.utf-32" }),
      !input.starts(with: [0xFE, 0xFF]), !input.starts(with: [0xFF, 0xFE]),
      !input.prefix(4).contains(0),
      let offset = firstByteNotUTF8(input)
    else { return }
    if input.starts(with: Array("<?xml".utf8)) {
      let declaration = String(
        decoding: input.prefix(200).prefix { $0 != UInt8(ascii: ">") }, as: UTF8.self)
      if let encoding = declaration.firstMatch(of: #/encoding\s*=\s*["']([^"']*)["']/#)?.output.1,
        !["utf-8", "utf8"].contains(encoding.lowercased())
      {
        return
      }
    }
    let line = input.prefix(offset).count { $0 == 0x0A } + 1
    guard error.location.line == line else {
      throw FuzzFinding(
        .feed, "an xml.encoding error names the line of the byte that is not UTF-8",
        "reported at \(error.location.line):\(error.location.column), the byte is on line \(line)",
        knownIssue: .encodingErrorMisplaced)
    }
  }

  /// The offset of the first byte that does not belong to a UTF-8 character.
  static func firstByteNotUTF8(_ input: Data) -> Int? {
    var iterator = input.makeIterator()
    var parser = Unicode.UTF8.ForwardParser()
    var offset = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let scalar): offset += scalar.count
      case .emptyInput: return nil
      case .error: return offset
      }
    }
  }

  /// The reader pushed pieces of `size` bytes, stopping when it has refused the document, as
  /// `FeedReader.stream` does. The first piece has at least the 4 bytes that tell UTF-32 and
  /// a byte order mark.
  static func readInPieces(_ input: Data, size: Int) -> FeedReadResult {
    var entries: [Entry] = []
    let reader = FeedReader(file: "fuzz", options: options) { entries.append($0) }
    var start = input.startIndex
    while start < input.endIndex, !reader.isStopped {
      let end = min(start + (start == input.startIndex ? max(4, size) : size), input.endIndex)
      reader.push(input[start..<end])
      start = end
    }
    var result = reader.finish()
    result.feed.entries = entries
    return result
  }

  /// A piece size from 1 to 127 bytes that depends on the input, so the fuzzer tries many
  /// splits of the same document without spending input bytes on choosing one.
  static func pieceSize(_ input: Data) -> Int {
    1 + Int(input.reduce(UInt32(input.count)) { $0 &* 31 &+ UInt32($1) } % 127)
  }

  private static func errors(_ result: FeedReadResult) -> [String] {
    result.diagnostics.filter { $0.severity == .error }.map { "\(summary($0)) \($0.message)" }
  }

  private static func summary(_ diagnostic: Diagnostic) -> String {
    "\(diagnostic.location.line):\(diagnostic.location.column) \(diagnostic.severity.rawValue) \(diagnostic.code)"
  }

  /// Which part of two feeds differs, briefly.
  private static func difference(_ a: FeedDocument, _ b: FeedDocument) -> String {
    guard a.entries.count == b.entries.count else {
      return "\(a.entries.count) entries whole, \(b.entries.count) in pieces"
    }
    for (x, y) in zip(a.entries, b.entries) where x != y {
      let fields = Mirror(reflecting: x).children.map(\.label)
      let changed = zip(Mirror(reflecting: x).children, Mirror(reflecting: y).children)
        .enumerated().filter { "\($1.0.value)" != "\($1.1.value)" }.compactMap { fields[$0.offset] }
      return "entry '\(x.id)' differs in \(changed.joined(separator: ", "))"
    }
    var whole = a
    var pieces = b
    whole.entries = []
    pieces.entries = []
    return "the feed's metadata differ: \(whole) / \(pieces)"
  }
}
