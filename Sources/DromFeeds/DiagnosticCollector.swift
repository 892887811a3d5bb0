import DromModel

/// Gathers the diagnostics of one document, all pointing into the same file.
final class DiagnosticCollector {
  let file: String
  /// Past this many of one code, further ones are counted, not kept: a feed of 30 000 posts
  /// without a kind must not hold 30 000 identical notes in memory (or print them).
  static let keptPerCode = 50
  private var kept: [Diagnostic] = []
  private var perCode: [String: Int] = [:]
  private var suppressed: [String: (count: Int, severity: Diagnostic.Severity)] = [:]

  /// Everything found, with one closing line per code that had more than were kept.
  var diagnostics: [Diagnostic] {
    kept
      + suppressed.sorted { $0.key < $1.key }.map { code, more in
        Diagnostic(
          location: SourceLocation(
            file: file, line: kept.last(where: { $0.code == code })?.location.line ?? 1, column: 1),
          severity: more.severity, code: code,
          message: "… and \(more.count) more like the \(Self.keptPerCode) above")
      }
  }

  /// Keeps every diagnostic when this collects one entry's, to be replayed into the document's.
  private let keepingAll: Bool
  /// For one entry's collector: the codes the document's collector had stopped keeping when the
  /// entry was read. Their messages would be dropped on replay, so they are never written.
  private let saturated: Set<String>

  init(file: String, keepingAll: Bool = false, saturated: Set<String> = []) {
    self.file = file
    self.keepingAll = keepingAll
    self.saturated = saturated
  }

  /// The codes past their limit, for the collector of an entry read elsewhere.
  private(set) var saturatedCodes: Set<String> = []

  /// Adds what another collector kept (with `keepingAll`), in its order.
  func replay(_ other: DiagnosticCollector) {
    for diagnostic in other.kept {
      add(
        diagnostic.severity, diagnostic.code, line: diagnostic.location.line,
        column: diagnostic.location.column, diagnostic.message)
    }
  }

  /// Messages are built only for diagnostics that are kept: a feed of 30 000 entries without
  /// a kind would otherwise write 30 000 notes to keep 50.
  func add(
    _ severity: Diagnostic.Severity, _ code: String, line: Int, column: Int = 1,
    _ message: @autoclosure () -> String
  ) {
    perCode[code, default: 0] += 1
    if perCode[code]! > Self.keptPerCode && !keepingAll {
      if suppressed[code] == nil { saturatedCodes.insert(code) }
      suppressed[code, default: (0, severity)].count += 1
      return
    }
    if keepingAll && saturated.contains(code) {
      kept.append(
        Diagnostic(
          location: SourceLocation(file: file, line: max(line, 1), column: max(column, 1)),
          severity: severity, code: code, message: ""))
      return
    }
    kept.append(
      Diagnostic(
        location: SourceLocation(file: file, line: max(line, 1), column: max(column, 1)),
        severity: severity, code: code, message: message()))
  }

  func has(_ code: String) -> Bool { perCode[code] != nil }

  func error(_ code: String, at node: some DiagnosticPlace, _ message: @autoclosure () -> String) {
    add(.error, code, line: node.line, column: node.column, message())
  }

  func warning(_ code: String, at node: some DiagnosticPlace, _ message: @autoclosure () -> String)
  {
    add(.warning, code, line: node.line, column: node.column, message())
  }

  func note(_ code: String, at node: some DiagnosticPlace, _ message: @autoclosure () -> String) {
    add(.note, code, line: node.line, column: node.column, message())
  }
}

/// Where in a document something was found: an XML element, a JSON value.
protocol DiagnosticPlace {
  var line: Int { get }
  var column: Int { get }
}

extension XMLNode: DiagnosticPlace {}
