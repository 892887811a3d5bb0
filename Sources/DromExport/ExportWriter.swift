import Crypto
import Foundation

/// What an export did, for the summary line.
public struct ExportSummary: Sendable, Equatable {
  public var written = 0
  public var unchanged = 0
  public var removed = 0
  public var bytes = 0
  /// `--check`: files that are missing, differ from what the index gives, or should be gone.
  public var problems: [String] = []
}

/// Writes an export's files, only those whose bytes changed, and removes those no longer
/// produced (a deleted entry's page, an erased person's). What was written is listed with its
/// SHA-256 in `.drom-export.json`, written last, so the next export knows what it may skip.
/// In checking mode nothing is written: every difference is a problem.
public final class ExportWriter {
  public static let manifestPath = ".drom-export.json"

  public enum Mode { case write, check }

  private let sink: any ExportSink
  private let mode: Mode
  private let previous: [String: String]
  private var current: [String: String] = [:]
  public private(set) var summary = ExportSummary()

  public init(sink: any ExportSink, mode: Mode = .write) throws {
    self.sink = sink
    self.mode = mode
    if let data = try sink.read(Self.manifestPath),
      let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
    {
      previous = manifest.files
    } else {
      previous = [:]
    }
  }

  /// One file of the export; the same path twice is a bug in the caller.
  public func put(_ path: String, _ data: Data) throws {
    precondition(current[path] == nil, "the export wrote \(path) twice")
    let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    current[path] = hash
    summary.bytes += data.count
    switch mode {
    case .write:
      // The manifest's word is trusted only if the file is still there.
      if previous[path] == hash, try sink.read(path) != nil {
        summary.unchanged += 1
      } else {
        try sink.write(path, data)
        summary.written += 1
      }
    case .check:
      guard let existing = try sink.read(path) else {
        summary.problems.append("\(path) is missing")
        return
      }
      if existing == data {
        summary.unchanged += 1
      } else {
        summary.problems.append("\(path) differs from what the index gives now")
      }
    }
  }

  public func put(_ path: String, _ text: String) throws {
    try put(path, Data(text.utf8))
  }

  /// Removes what the last export wrote and this one did not, then records this export.
  public func finish() throws -> ExportSummary {
    for path in previous.keys.sorted() where current[path] == nil {
      switch mode {
      case .write:
        try sink.remove(path)
        summary.removed += 1
      case .check:
        if try sink.read(path) != nil {
          summary.problems.append("\(path) is no longer part of the directory")
        }
      }
    }
    if mode == .write {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
      try sink.write(Self.manifestPath, try encoder.encode(Manifest(files: current)))
    }
    return summary
  }

  struct Manifest: Codable {
    var files: [String: String]
  }
}
