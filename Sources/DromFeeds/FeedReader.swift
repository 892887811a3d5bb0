import DromModel
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The outcome of reading one feed document.
public struct FeedReadResult: Sendable {
  /// The feed's metadata and tombstones; `entries` is filled only by the collecting readers.
  public var feed: FeedDocument
  public var diagnostics: [Diagnostic]
  /// Entries kept (after skipping the ones with errors).
  public var entryCount: Int
  /// True when the document as a whole could not be read (not XML, hostile, over a limit, not a
  /// feed). Such a document must change nothing already known from its source.
  public var isRejected: Bool
}

/// Reads one feed document (Atom 1.0 and 0.3, RSS 2.0/0.9x, RSS 1.0 as a stream; JSON Feed).
///
/// Push bytes as they arrive; each entry is handed to `onEntry` as soon as it is complete and
/// adapted, so memory does not grow with the feed. Every problem becomes a `Diagnostic`.
public final class FeedReader {
  private let splitter: FeedSplitter
  private let parser: XMLStreamParser
  private let limits: ParserLimits
  /// A JSON Feed's bytes, collected whole and read at the end (JSON Feeds are small, and
  /// bounded by the document limit); nil for an XML document.
  private var json: [UInt8]?
  private var jsonStopped = false
  private var formatKnown = false
  /// The document's first bytes, kept in case it is a web page whose head names its feed.
  private var opening: [UInt8] = []
  private let documentURL: String?

  public init(file: String, options: FeedReadOptions = .init(), onEntry: @escaping (Entry) -> Void)
  {
    let diagnostics = DiagnosticCollector(file: file)
    splitter = FeedSplitter(
      context: AdapterContext(diagnostics: diagnostics, options: options), onEntry: onEntry)
    parser = XMLStreamParser(
      limits: options.limits, diagnostics: diagnostics, sink: splitter,
      encodingOverride: options.charset)
    limits = options.limits
    documentURL = options.documentURL
  }

  public func push(_ bytes: UnsafeRawBufferPointer) {
    if opening.count < FeedDiscovery.window {
      opening.append(contentsOf: bytes.prefix(FeedDiscovery.window - opening.count))
    }
    if !formatKnown, let first = Self.firstSignificantByte(bytes) {
      formatKnown = true
      if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { json = [] }
    }
    guard json != nil else {
      parser.push(bytes)
      return
    }
    guard !jsonStopped else { return }
    if json!.count + bytes.count > limits.maxDocumentBytes {
      jsonStopped = true
      splitter.context.diagnostics.add(
        .error, "limit.document-size", line: 1,
        "the document is larger than \(limits.maxDocumentBytes) bytes: split it into pages (JSON Feed's next_url) or ask the operator to raise the limit"
      )
      return
    }
    json!.append(contentsOf: bytes)
  }

  /// The first byte that is not white space or a UTF-8 byte order mark: '{' starts a JSON Feed.
  private static func firstSignificantByte(_ bytes: UnsafeRawBufferPointer) -> UInt8? {
    let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    return bytes[start...].first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
  }

  /// True once the document was refused (a limit, hostile markup, not XML): the rest of it
  /// need not be read or downloaded.
  public var isStopped: Bool { parser.stopped || splitter.rejected || jsonStopped }

  public func push(_ data: Data) {
    data.withUnsafeBytes { push($0) }
  }

  public func finish() -> FeedReadResult {
    if let json {
      if !jsonStopped { splitter.readJSONFeed(json, limits: limits) }
    } else {
      parser.finish()
    }
    splitter.finish(documentStopped: parser.stopped || jsonStopped)
    if splitter.rootIsWebPage
      || (splitter.format == nil && json == nil && FeedDiscovery.looksLikeHTML(opening))
    {
      for feed in FeedDiscovery.feeds(in: opening, base: documentURL) {
        splitter.context.diagnostics.add(
          .note, "feed.discovered", line: 1,
          "this web page names its feed: \(feed) — register that address instead of the page's")
      }
    }
    let diagnostics = splitter.context.diagnostics.diagnostics
    let rejected =
      splitter.rejected
      || diagnostics.contains {
        $0.severity == .error
          && ($0.code.hasPrefix("xml.") || $0.code.hasPrefix("limit.")
            || $0.code.hasPrefix("feed."))
      }
    return FeedReadResult(
      feed: splitter.head, diagnostics: Self.inDocumentOrder(diagnostics),
      entryCount: splitter.keptEntries, isRejected: rejected)
  }

  /// By line and column; ties keep the order they were found in, so the result never depends on
  /// the sort (or on which thread adapted an entry).
  private static func inDocumentOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    diagnostics.enumerated().sorted {
      ($0.element.location.line, $0.element.location.column, $0.offset)
        < ($1.element.location.line, $1.element.location.column, $1.offset)
    }.map(\.element)
  }

  // MARK: - Conveniences

  /// Reads a whole document held in memory, collecting its entries.
  public static func read(_ data: Data, file: String, options: FeedReadOptions = .init())
    -> FeedReadResult
  {
    var entries: [Entry] = []
    let reader = FeedReader(file: file, options: options) { entries.append($0) }
    reader.push(data)
    var result = reader.finish()
    result.feed.entries = entries
    return result
  }

  /// Reads a file in chunks, handing each entry to `onEntry`; memory stays flat.
  public static func stream(
    path: String, file: String? = nil, options: FeedReadOptions = .init(),
    onEntry: @escaping (Entry) -> Void
  ) throws -> FeedReadResult {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
      throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
    }
    defer { close(descriptor) }
    let reader = FeedReader(file: file ?? path, options: options, onEntry: onEntry)
    // One buffer for every chunk: a fresh 256 KB allocation per read is a fresh mapping whose
    // pages fault in one by one, which cost more than the copy from the page cache.
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
    defer { buffer.deallocate() }
    while !reader.isStopped {
      let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
      if count < 0 {
        if errno == EINTR { continue }
        throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path])
      }
      if count == 0 { break }
      reader.push(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    }
    return reader.finish()
  }
}

/// Decides which elements are containers, entries and metadata, and routes each subtree.
final class FeedSplitter: XMLSplitSink {
  let context: AdapterContext
  private let onEntry: (Entry) -> Void
  var head = FeedDocument(format: .atom10)
  var rejected = false
  private(set) var keptEntries = 0
  var format: FeedFormat?
  /// The document was refused because it is a web page (`<html>`), which may name its feed.
  private(set) var rootIsWebPage = false
  private var rdfNamespace = NS.rss10
  private var entryNumber = 0
  private var seenIDs: Set<String> = []
  private var rootLine = 1
  private var pipeline: EntryPipeline?

  init(context: AdapterContext, onEntry: @escaping (Entry) -> Void) {
    self.context = context
    self.onEntry = onEntry
  }

  deinit {
    pipeline?.close()
  }

  func decide(
    _ name: QName, attributes: [(name: QName, value: String)], depth: Int, line: Int, column: Int
  ) -> SplitDecision {
    guard depth > 0 else { return root(name, attributes: attributes, line: line, column: column) }
    switch format {
    case .rss20, .rss09x:
      if depth == 1 { return name == QName("", "channel") ? .container : .skip }
      return .subtree
    default:
      return .subtree
    }
  }

  private func root(
    _ name: QName, attributes: [(name: QName, value: String)], line: Int, column: Int
  ) -> SplitDecision {
    rootLine = line
    let lang = attributes.first { $0.name == QName(NS.xml, "lang") }?.value
    var readAs: String?
    switch (name.namespace, name.local) {
    case (NS.atom, "feed"):
      format = .atom10
    case (NS.atom03, "feed"):
      format = .atom03
      context.diagnostics.add(
        .note, "feed.atom-0.3", line: line, column: column,
        "this feed is Atom 0.3, a draft that Atom 1.0 (RFC 4287) replaced in 2005; Drom reads it, but ask your CMS for an Atom 1.0 or RSS 2.0 feed"
      )
    case (_, "feed"):
      // A hand-made template's <feed> without the Atom namespace, or with a wrong one.
      format = .atom10
      readAs = NS.atom
      context.diagnostics.add(
        .note, "feed.unexpected-namespace", line: line, column: column,
        "the root <feed> is \(name.namespace.isEmpty ? "in no namespace" : "in the namespace \(name.namespace)"), so it was read as Atom 1.0: add xmlns=\"http://www.w3.org/2005/Atom\" to it"
      )
    case (_, "rss"):
      let version = attributes.first { $0.name.local == "version" }?.value ?? "2.0"
      format = version.hasPrefix("0.9") ? .rss09x : .rss20
      if !name.namespace.isEmpty {
        // RSS has no namespace; UserLand and Harvard once published RSS 2.0 in one of theirs.
        readAs = ""
        let which =
          [NS.rss2UserLand, NS.rss2Harvard].contains(name.namespace)
          ? "the old namespace \(name.namespace)" : "the unexpected namespace \(name.namespace)"
        context.diagnostics.add(
          .note, "feed.unexpected-namespace", line: line, column: column,
          "the root <rss> is in \(which), so it was read as RSS without one: remove the xmlns attribute from <rss>"
        )
      }
    case (NS.rdf, "RDF"):
      format = .rss10
      rdfNamespace = NS.rss10
    default:
      rejected = true
      rootIsWebPage = name.local.lowercased() == "html"
      context.diagnostics.add(
        .error, "feed.unknown-format", line: line, column: column,
        "the document's root element is <\(name.local)>\(name.namespace.isEmpty ? "" : " in \(name.namespace)"), not a feed: Drom reads Atom (<feed xmlns=\"http://www.w3.org/2005/Atom\">), RSS 2.0 (<rss version=\"2.0\">), RSS 1.0 and JSON Feed"
      )
      return .reject
    }
    if format == .atom10 || format == .atom03 { context.feedLanguage = lang }
    head = FeedDocument(format: format ?? .atom10)
    head.language = lang.flatMap(LanguageTag.init)
    if let readAs { return .containerReadingNamespace(name.namespace, as: readAs) }
    return .container
  }

  func receive(_ node: XMLNode, depth: Int) {
    switch (node.name.namespace, node.name.local) {
    case (NS.history, "complete"):
      head.isComplete = true
    case (NS.history, "archive"):
      head.isArchive = true
    case (NS.tombstones, "deleted-entry"):
      tombstone(node)
    case (NS.atom, "entry") where format == .atom10:
      adapt { EntryAdapter.entry(from: AtomEntry(node), number: $0, context: $1) }
    case (NS.atom03, "entry") where format == .atom03:
      adapt {
        EntryAdapter.entry(from: AtomEntry(atom03: Atom03Entry(node)), number: $0, context: $1)
      }
    case ("", "item") where format == .rss20 || format == .rss09x:
      adapt { EntryAdapter.entry(from: RSSItem(node), number: $0, context: $1) }
    case (NS.rss10, "item") where format == .rss10, (NS.rss090, "item") where format == .rss10:
      adapt {
        EntryAdapter.entry(
          from: RDFItem(node, namespace: node.name.namespace), number: $0, context: $1)
      }
    case (NS.rss10, "channel"), (NS.rss090, "channel"):
      rdfNamespace = node.name.namespace
      channelMetadata(node, namespace: rdfNamespace)
    default:
      switch format {
      case .atom10: atomMetadata(node)
      case .atom03: atom03Metadata(node)
      case .rss20, .rss09x: rssMetadata(node)
      case .rss10 where node.name.local == "image": rdfImage(node)
      default: break
      }
    }
  }

  func close(container: QName, depth: Int) {}

  func finish(documentStopped: Bool) {
    if let pipeline {
      deliver(pipeline.finish())
      self.pipeline = nil
    }
    guard !rejected, !documentStopped, format != nil, head.title == nil else { return }
    context.diagnostics.add(
      .warning, "feed.no-title", line: rootLine,
      "the feed has no title: add <title> with your organisation's name, which Drom shows on the sources page"
    )
  }

  /// Adapts one entry here, or on the pipeline's thread once the feed has proved long.
  private func adapt(_ make: @escaping (Int, AdapterContext) -> Entry?) {
    entryNumber += 1
    if pipeline == nil, entryNumber > context.options.parallelAdaptationAfter {
      pipeline = EntryPipeline()
    }
    guard let pipeline else {
      accept(make(entryNumber, context), number: entryNumber)
      return
    }
    let number = entryNumber
    let makeContext = context.snapshotForOneEntry()
    deliver(
      pipeline.submit { workspace in
        let entryContext = makeContext(workspace)
        return EntryPipeline.Outcome(
          number: number, entry: make(number, entryContext),
          diagnostics: entryContext.diagnostics)
      })
  }

  /// Hands on finished entries in order, each moved out of its outcome: an entry is large,
  /// and copying one retains every string it holds.
  private func deliver(_ outcomes: [EntryPipeline.Outcome]) {
    for outcome in outcomes {
      context.diagnostics.replay(outcome.diagnostics)
      accept(outcome.entry.take(), number: outcome.number)
    }
  }

  func accept(_ entry: consuming Entry?, number: Int) {
    guard let entry else { return }
    guard seenIDs.insert(entry.id).inserted else {
      context.diagnostics.add(
        .error, "entry.duplicate-id", line: entry.line,
        "\(EntryAdapter.entryLabel(number, entry.title, describesPerson: entry.kind == .person)) has the id '\(entry.id)', already used by an earlier entry, so it was left out: give every entry its own id"
      )
      return
    }
    keptEntries += 1
    onEntry(entry)
  }

  private func tombstone(_ node: XMLNode) {
    guard let ref = node.attribute("ref")?.trimmingCharacters(in: .whitespaces), !ref.isEmpty else {
      context.diagnostics.error(
        "tombstone.no-ref", at: node,
        "a deleted-entry has no ref, so Drom cannot tell which entry was deleted: add ref=\"the id of the deleted entry\""
      )
      return
    }
    let when = node.attribute("when").flatMap { FeedDates.rfc3339($0)?.date }
    head.deletedEntries.append(DeletedEntry(ref: ref, when: when))
  }
}
