import Foundation

/// Where in a document a diagnostic points. Lines and columns count from 1, like a compiler's.
public struct SourceLocation: Codable, Hashable, Sendable {
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }
}

/// One problem found in a feed, a registry or a vocabulary.
///
/// Printed like a compiler's message (`file:line:col: error: CODE message`) so an editor can jump
/// to it. Codes are stable and each one is documented in `docs/diagnostics.md`.
public struct Diagnostic: Codable, Hashable, Sendable {
  public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case note, warning, error

    private var rank: Int {
      switch self {
      case .note: 0
      case .warning: 1
      case .error: 2
      }
    }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
  }

  public var location: SourceLocation
  public var severity: Severity
  public var code: String
  public var message: String

  public init(location: SourceLocation, severity: Severity, code: String, message: String) {
    self.location = location
    self.severity = severity
    self.code = code
    self.message = message
  }

  /// `file:line:col: severity: code message`
  public var compilerStyle: String {
    "\(location.file):\(location.line):\(location.column): \(severity.rawValue): \(code) \(message)"
  }
}

extension Array where Element == Diagnostic {
  public var errorCount: Int { count { $0.severity == .error } }
  public var warningCount: Int { count { $0.severity == .warning } }
  public var hasErrors: Bool { contains { $0.severity == .error } }
}
