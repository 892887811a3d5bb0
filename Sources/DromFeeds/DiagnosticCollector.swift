import DromModel

/// Gathers the diagnostics of one document, all pointing into the same file.
final class DiagnosticCollector {
  let file: String
  private(set) var diagnostics: [Diagnostic] = []

  init(file: String) {
    self.file = file
  }

  func add(
    _ severity: Diagnostic.Severity, _ code: String, line: Int, column: Int = 1, _ message: String
  ) {
    diagnostics.append(
      Diagnostic(
        location: SourceLocation(file: file, line: max(line, 1), column: max(column, 1)),
        severity: severity, code: code, message: message))
  }

  func error(_ code: String, at node: XMLNode, _ message: String) {
    add(.error, code, line: node.line, column: node.column, message)
  }

  func warning(_ code: String, at node: XMLNode, _ message: String) {
    add(.warning, code, line: node.line, column: node.column, message)
  }

  func note(_ code: String, at node: XMLNode, _ message: String) {
    add(.note, code, line: node.line, column: node.column, message)
  }
}
