import CLibXML2
import DromModel
import Foundation

/// What the stream parser should do with an element that opens outside any subtree.
enum SplitDecision {
  /// An element whose children are handed over one by one (`atom:feed`, `rss`, `channel`).
  case container
  /// A root container in a namespace its format does not use (`<feed>` with none, `<rss>` in
  /// the old UserLand namespace): every element of the document in `namespace` is read as if
  /// it were in `readAs`.
  case containerReadingNamespace(String, as: String)
  /// An element handed over whole once it closes (an entry, or a piece of feed metadata).
  case subtree
  /// An element to pass over, with everything inside it.
  case skip
  /// Stop reading: the sink has said why in a diagnostic.
  case reject
}

/// Receives what the stream parser splits off the document.
protocol XMLSplitSink: AnyObject {
  func decide(
    _ name: QName, attributes: [(name: QName, value: String)], depth: Int, line: Int, column: Int
  ) -> SplitDecision
  func receive(_ subtree: XMLNode, depth: Int)
  func close(container: QName, depth: Int)
}

/// A streaming XML reader over libxml2's SAX2 push parser, built for untrusted feeds.
///
/// Bytes are pushed in as they arrive; elements are grouped into small subtrees and handed to a
/// sink, so memory does not grow with the document. Nothing is ever loaded from outside: no DTD,
/// no external entity, and any entity declaration stops the parse (billion laughs, XXE). HTML
/// named entities that CMSs emit (`&nbsp;`) are read as their characters, with a warning.
final class XMLStreamParser {
  private enum Frame {
    case container(QName)
    case subtree
    case skip
  }

  let limits: ParserLimits
  let diagnostics: DiagnosticCollector
  private weak var sink: (any XMLSplitSink)?
  /// The transport's charset, or what `EncodingCheck` found the bytes really are.
  var encodingOverride: String?
  /// Set for a UTF-32 document, which is read through UTF-8.
  var utf32: UTF32Transcoder?

  private var context: xmlParserCtxtPtr?
  private var handler = xmlSAXHandler()
  private var receivedBytes = 0
  private var frames: [Frame] = []
  /// The `xml:lang` and `xml:base` in effect, each with the depth of the element that set it:
  /// kept only where they change, since nearly no element sets either.
  private var langs: [(depth: Int, value: String?)] = []
  private var bases: [(depth: Int, value: String?)] = []
  /// The subtree being built, and its open elements (innermost last).
  private var tree: XMLSubtree?
  private var openElements: [Int] = []
  /// Where the text read since the last tag starts in `tree`'s text.
  private var textRunStart = 0
  /// True once the run holds a 0xC2 byte, the lead byte of every C1 control: only then can it
  /// need `TextRepair`.
  private var textRunMayNeedRepair = false
  /// The attributes of the element being opened; kept to spare an allocation per element.
  private var parsedAttributes: [(name: QName, value: String)] = []
  private var textRunBytes = 0
  /// Names as strings, by libxml2's interned pointer: a direct-mapped cache in front of a
  /// dictionary, since a feed uses a few dozen names over and over.
  private var recentNames = [(pointer: UnsafeRawPointer?, name: String)](
    repeating: (nil, ""), count: 256)
  private var names: [UnsafeRawPointer: String] = [:]
  private var warnedEntities: Set<String> = []
  /// A namespace to read as another, set by the root's decision (rare; nil nearly always).
  private var namespaceAlias: (from: String, to: String)?
  var stopped = false
  private(set) var sawRootElement = false

  /// - Parameter encodingOverride: a charset from the transport (HTTP `Content-Type`), which
  ///   takes precedence over the document's own declaration, as RFC 7303 says.
  init(
    limits: ParserLimits, diagnostics: DiagnosticCollector, sink: any XMLSplitSink,
    encodingOverride: String? = nil
  ) {
    _ = LibXML.ready
    self.limits = limits
    self.diagnostics = diagnostics
    self.sink = sink
    self.encodingOverride = encodingOverride
  }

  deinit {
    if let context { xmlFreeParserCtxt(context) }
  }

  /// Pushes the next bytes of the document.
  func push(_ bytes: UnsafeRawBufferPointer) {
    guard !stopped, bytes.count > 0 else { return }
    receivedBytes += bytes.count
    if receivedBytes > limits.maxDocumentBytes {
      stop(
        .error, "limit.document-size",
        "the document is larger than \(limits.maxDocumentBytes) bytes: split it into archive pages (RFC 5005) or ask the operator to raise the limit"
      )
      return
    }
    if context == nil && utf32 == nil { checkEncoding(bytes) }
    if utf32 != nil {
      transcodeAndPush(bytes)
      return
    }
    pushDecoded(bytes)
  }

  /// Pushes bytes in the encoding libxml2 is told to read.
  func pushDecoded(_ bytes: UnsafeRawBufferPointer) {
    guard !stopped, bytes.count > 0 else { return }
    var bytes = bytes
    if context == nil {
      // libxml2 detects the encoding (BOM, UTF-16) from the first bytes given at creation.
      let head = UnsafeRawBufferPointer(rebasing: bytes.prefix(4))
      guard createContext(firstBytes: head) else { return }
      bytes = UnsafeRawBufferPointer(rebasing: bytes.dropFirst(head.count))
      if bytes.isEmpty { return }
    }
    parse(bytes, terminate: false)
  }

  func push(_ data: Data) {
    data.withUnsafeBytes { push($0) }
  }

  /// Ends the document.
  func finish() {
    guard !stopped else { return }
    if context == nil {
      diagnostics.add(
        .error, "feed.empty", line: 1,
        "the document is empty: publish a feed with a root <feed> (Atom) or <rss> element")
      stopped = true
      return
    }
    parse(UnsafeRawBufferPointer(start: nil, count: 0), terminate: true)
    if !sawRootElement && !diagnostics.diagnostics.hasErrors {
      diagnostics.add(
        .error, "feed.empty", line: 1,
        "the document has no root element: publish a feed with a root <feed> (Atom) or <rss> element"
      )
    }
  }

  private func parse(_ bytes: UnsafeRawBufferPointer, terminate: Bool) {
    guard let context else { return }
    let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
    let status = xmlParseChunk(context, base, Int32(bytes.count), terminate ? 1 : 0)
    // libxml2 reports a byte its converter cannot read outside the parser's error handler (to
    // standard error) and halts, the document still "well-formed": without this the rest of
    // the document would silently be missing, and a complete feed's missing entries deleted.
    // (Found by fuzzing: Tests/Fixtures/fuzz/feed/.)
    if status != 0 && context.pointee.wellFormed == 1 && !stopped {
      stop(
        .error, "xml.encoding",
        "the document has bytes its declared encoding cannot read, near line \(line): save it as UTF-8, or declare the encoding it is really in"
      )
    }
  }

  private func createContext(firstBytes: UnsafeRawBufferPointer) -> Bool {
    installHandlers()
    let userData = Unmanaged.passUnretained(self).toOpaque()
    let created = diagnostics.file.withCString { file in
      xmlCreatePushParserCtxt(
        &handler, userData, firstBytes.baseAddress?.assumingMemoryBound(to: CChar.self),
        Int32(firstBytes.count), file)
    }
    guard let created else {
      stop(.error, "xml.malformed", "the parser could not start on this document")
      return false
    }
    context = created
    var options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)
    if let encodingOverride {
      guard let encodingHandler = xmlFindCharEncodingHandler(encodingOverride) else {
        stop(
          .error, "xml.encoding",
          "the server declares the character set '\(encodingOverride)', which Drom cannot read: serve the feed as UTF-8"
        )
        return false
      }
      xmlSwitchToEncoding(created, encodingHandler)
      options |= Int32(XML_PARSE_IGNORE_ENC.rawValue)
    }
    xmlCtxtUseOptions(created, options)
    return true
  }

  // MARK: - Stopping and locations

  private var line: Int { context.map { Int(xmlSAX2GetLineNumber($0)) } ?? 1 }
  private var column: Int { context.map { Int(xmlSAX2GetColumnNumber($0)) } ?? 1 }

  /// Records why and halts libxml2; what it reports afterwards is a consequence, not news.
  private func stop(_ severity: Diagnostic.Severity, _ code: String, _ message: String) {
    diagnostics.add(severity, code, line: line, column: column, message)
    stopped = true
    if let context { xmlStopParser(context) }
  }

  // MARK: - Events

  private func name(_ pointer: UnsafePointer<xmlChar>?) -> String {
    guard let pointer else { return "" }
    let key = UnsafeRawPointer(pointer)
    // libxml2 interns names in its dictionary: one pointer, one name, for the whole document.
    let slot = (Int(bitPattern: key) >> 4) & (recentNames.count - 1)
    if recentNames[slot].pointer == key { return recentNames[slot].name }
    let value: String
    if let known = names[key] {
      value = known
    } else {
      let read = String(cString: pointer)
      value = NS.known.first { $0 == read } ?? read
      names[key] = value
    }
    recentNames[slot] = (key, value)
    return value
  }

  fileprivate func startElement(
    local: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?, attributeCount: Int,
    attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
  ) {
    guard !stopped else { return }
    sawRootElement = true
    if frames.count >= limits.maxDepth {
      stop(
        .error, "limit.depth",
        "elements are nested more than \(limits.maxDepth) deep here: a feed never needs this; check for unclosed tags"
      )
      return
    }
    if attributeCount > limits.maxAttributes {
      stop(
        .error, "limit.attributes",
        "an element has \(attributeCount) attributes, more than the \(limits.maxAttributes) allowed"
      )
      return
    }
    textRunBytes = 0
    if case .skip = frames.last {
      frames.append(.skip)
      return
    }
    var qname = QName(name(uri), name(local))
    if let namespaceAlias, qname.namespace == namespaceAlias.from {
      qname = QName(namespaceAlias.to, qname.local)
    }
    parsedAttributes.removeAll(keepingCapacity: true)
    var lang = langs.last?.value
    var base = bases.last?.value
    var setsLang = false
    var setsBase = false
    if let attributes {
      for index in 0..<attributeCount {
        let field = attributes + index * 5
        let attributeName = QName(name(field[2]), name(field[0]))
        guard let start = field[3], let end = field[4] else { continue }
        var value = String(
          decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
        // libxml2 hands an escaped ampersand back as "&#38;" when it does not substitute.
        if memchr(start, Int32(UInt8(ascii: "&")), end - start) != nil {
          value = value.replacingOccurrences(of: "&#38;", with: "&")
        }
        if attributeName.namespace == NS.xml {
          if attributeName.local == "lang" {
            lang = value
            setsLang = true
          }
          if attributeName.local == "base" {
            base = URLResolver.resolve(value, against: base)
            setsBase = true
          }
        }
        parsedAttributes.append((attributeName, value))
      }
    }
    let (line, column) = (self.line, self.column)
    // The element's own xml:lang and xml:base hold until its end: only for an element that is
    // read (a skipped one's end never leaves the scope, and must not leak into its siblings).
    func enterScopes() {
      if setsLang { langs.append((frames.count, lang)) }
      if setsBase { bases.append((frames.count, base)) }
    }

    if let tree, let parent = openElements.last {
      enterScopes()
      repairTextRun()
      openElements.append(
        tree.open(
          qname, attributes: parsedAttributes, lang: lang, base: base, line: line,
          column: column, parent: parent))
      frames.append(.subtree)
      return
    }
    switch sink?.decide(
      qname, attributes: parsedAttributes, depth: frames.count, line: line, column: column)
      ?? .skip
    {
    case .container:
      enterScopes()
      frames.append(.container(qname))
    case .containerReadingNamespace(let namespace, let readAs):
      namespaceAlias = (namespace, readAs)
      enterScopes()
      frames.append(.container(QName(readAs, qname.local)))
    case .subtree:
      enterScopes()
      let tree = XMLSubtree()
      self.tree = tree
      openElements.append(
        tree.open(
          qname, attributes: parsedAttributes, lang: lang, base: base, line: line,
          column: column, parent: -1))
      textRunStart = 0
      frames.append(.subtree)
    case .skip:
      frames.append(.skip)
    case .reject:
      stopped = true
      if let context { xmlStopParser(context) }
    }
  }

  fileprivate func endElement() {
    guard !stopped, let frame = frames.popLast() else { return }
    textRunBytes = 0
    switch frame {
    case .skip:
      return
    case .container(let qname):
      leaveScopes()
      sink?.close(container: qname, depth: frames.count)
    case .subtree:
      leaveScopes()
      guard let tree, let index = openElements.popLast() else { return }
      repairTextRun()
      tree.close(index)
      if openElements.isEmpty {
        self.tree = nil
        sink?.receive(tree.root, depth: frames.count)
      }
    }
  }

  /// Drops the `xml:lang` and `xml:base` set by the element that just ended.
  private func leaveScopes() {
    if langs.last?.depth == frames.count { langs.removeLast() }
    if bases.last?.depth == frames.count { bases.removeLast() }
  }

  fileprivate func characters(_ bytes: UnsafePointer<xmlChar>?, count: Int) {
    guard !stopped, let bytes, count > 0 else { return }
    textRunBytes += count
    if textRunBytes > limits.maxTextBytes {
      stop(
        .error, "limit.text-length",
        "one text is longer than \(limits.maxTextBytes) bytes: shorten it, or link to the full document instead"
      )
      return
    }
    guard let tree else { return }
    if !textRunMayNeedRepair, memchr(bytes, 0xC2, count) != nil { textRunMayNeedRepair = true }
    tree.appendText(UnsafeBufferPointer(start: bytes, count: count))
  }

  /// Mends the text read since the last tag (see `TextRepair`), before a tag ends the run.
  private func repairTextRun() {
    guard let tree else { return }
    defer {
      textRunStart = tree.textCount
      textRunMayNeedRepair = false
    }
    guard textRunMayNeedRepair else { return }
    let end = tree.textCount
    let repaired = tree.withText(from: textRunStart, to: end) {
      TextRepair.repaired($0, diagnostics: diagnostics, line: line)
    }
    if let repaired { tree.replaceText(from: textRunStart, with: repaired) }
  }

  fileprivate func entityDeclared(_ entityName: String) {
    stop(
      .error, "xml.entity-declaration",
      "the document declares its own entity '\(entityName)'; Drom never expands declared entities, for safety: remove the <!DOCTYPE …> block and write the text itself"
    )
  }

  fileprivate func entity(_ entityName: String) -> xmlEntityPtr? {
    guard !stopped, let entity = LibXML.htmlEntity(named: entityName) else { return nil }
    if warnedEntities.insert(entityName).inserted {
      diagnostics.add(
        .warning, "xml.html-entity", line: line, column: column,
        "'&\(entityName);' is an HTML entity, which XML does not know; it was read as the character it stands for. Write the character itself (UTF-8), or a numeric reference"
      )
    }
    return entity
  }

  fileprivate func doctype(externalID: String?, systemID: String?) {
    guard externalID != nil || systemID != nil else { return }
    diagnostics.add(
      .warning, "xml.external-dtd", line: line, column: column,
      "the document refers to an external DTD (\(systemID ?? externalID ?? "")); Drom never loads it: remove the <!DOCTYPE …> line"
    )
  }

  // MARK: - libxml2 callbacks

  private static func parser(_ userData: UnsafeMutableRawPointer?) -> XMLStreamParser {
    Unmanaged<XMLStreamParser>.fromOpaque(userData!).takeUnretainedValue()
  }

  /// The same for the frequent events, without a retain and release each: the parser owns the
  /// context, so it outlives every call libxml2 makes.
  private static func with(
    _ userData: UnsafeMutableRawPointer?, _ body: (XMLStreamParser) -> Void
  ) {
    Unmanaged<XMLStreamParser>.fromOpaque(userData!)._withUnsafeGuaranteedRef(body)
  }

  private func installHandlers() {
    handler.initialized = XML_SAX2_MAGIC
    handler.startElementNs = { userData, local, _, uri, _, _, attributeCount, _, attributes in
      XMLStreamParser.with(userData) {
        $0.startElement(
          local: local, uri: uri, attributeCount: Int(attributeCount), attributes: attributes)
      }
    }
    handler.endElementNs = { userData, _, _, _ in
      XMLStreamParser.with(userData) { $0.endElement() }
    }
    handler.characters = { userData, bytes, count in
      XMLStreamParser.with(userData) { $0.characters(bytes, count: Int(count)) }
    }
    handler.cdataBlock = { userData, bytes, count in
      XMLStreamParser.with(userData) { $0.characters(bytes, count: Int(count)) }
    }
    handler.entityDecl = { userData, entityName, _, _, _, _ in
      XMLStreamParser.parser(userData).entityDeclared(
        entityName.map { String(cString: $0) } ?? "")
    }
    handler.getEntity = { userData, entityName in
      guard let entityName else { return nil }
      return XMLStreamParser.parser(userData).entity(String(cString: entityName))
    }
    handler.unparsedEntityDecl = { userData, entityName, _, _, _ in
      XMLStreamParser.parser(userData).entityDeclared(
        entityName.map { String(cString: $0) } ?? "")
    }
    handler.getParameterEntity = { _, _ in nil }
    handler.internalSubset = { userData, _, externalID, systemID in
      XMLStreamParser.parser(userData).doctype(
        externalID: externalID.map { String(cString: $0) },
        systemID: systemID.map { String(cString: $0) })
    }
    handler.externalSubset = { _, _, _, _ in }
    handler.resolveEntity = { _, _, _ in nil }
    handler.serror = { userData, error in
      guard let error else { return }
      XMLStreamParser.parser(userData).libxmlError(error.pointee)
    }
  }
}
