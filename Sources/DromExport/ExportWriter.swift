import Crypto
import DromStore
import Foundation

/// What an export did, for the summary line.
public struct ExportSummary: Sendable, Equatable {
  public var written = 0
  public var unchanged = 0
  public var removed = 0
  /// Bytes written (unchanged files are not read again).
  public var bytes = 0
  /// Files made anew; the others were the last export's, from the same inputs.
  public var rendered = 0
  /// `--check`: files that are missing, differ from what the index gives, or should be gone.
  public var problems: [String] = []
}

/// Writes an export's files, only those whose bytes changed, and removes those no longer
/// produced (a deleted entry's page, an erased person's). What was written is listed with its
/// SHA-256 in `.drom-export.json`, written last, so the next export knows what it may skip;
/// a file made from inputs the caller can fingerprint (an entry's page) is listed with them
/// too, so the next export need not even make it again while they are the same.
/// In checking mode nothing is written and nothing reused: every difference is a problem.
public final class ExportWriter {
  public static let manifestPath = ".drom-export.json"

  public enum Mode { case write, check }

  private let sink: any ExportSink
  private let mode: Mode
  private let previous: [String: String]
  private let previousInputs: [String: String]
  private var current: [String: String] = [:]
  private var currentInputs: [String: String] = [:]
  public private(set) var summary = ExportSummary()

  public init(sink: any ExportSink, mode: Mode = .write) throws {
    self.sink = sink
    self.mode = mode
    if let data = try sink.read(Self.manifestPath),
      let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
    {
      previous = manifest.files
      previousInputs = manifest.inputs ?? [:]
    } else {
      previous = [:]
      previousInputs = [:]
    }
  }

  /// True when the last export wrote `path` from the same `inputs` and the file is still
  /// there: it is kept as it is, and need not be made again.
  public func reuse(_ path: String, inputs: String) -> Bool {
    guard mode == .write, previousInputs[path] == inputs, let hash = previous[path],
      current[path] == nil, sink.exists(path)
    else { return false }
    current[path] = hash
    currentInputs[path] = inputs
    summary.unchanged += 1
    return true
  }

  /// One file of the export; the same path twice is a bug in the caller.
  /// - Parameter inputs: a fingerprint of what the file was made from, for `reuse`.
  public func put(_ path: String, _ data: Data, inputs: String? = nil) throws {
    precondition(current[path] == nil, "the export wrote \(path) twice")
    let hash = Hex.lowercase(SHA256.hash(data: data))
    current[path] = hash
    currentInputs[path] = inputs
    summary.rendered += 1
    switch mode {
    case .write:
      // The manifest's word is trusted only if the file is still there.
      if previous[path] == hash, sink.exists(path) {
        summary.unchanged += 1
      } else {
        try sink.write(path, data)
        summary.written += 1
        summary.bytes += data.count
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

  public func put(_ path: String, _ text: String, inputs: String? = nil) throws {
    try put(path, Data(text.utf8), inputs: inputs)
  }

  /// Removes what the last export wrote and this one did not, then records this export.
  public func finish() throws -> ExportSummary {
    // The manifest is a file in the output folder: a path in it that climbs out of the folder
    // is not the export's, and is never removed.
    for path in previous.keys.sorted()
    where current[path] == nil && !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
    {
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
      try sink.write(
        Self.manifestPath, try encoder.encode(Manifest(files: current, inputs: currentInputs)))
    }
    return summary
  }

  struct Manifest: Codable {
    var files: [String: String]
    /// Path → fingerprint of its inputs, for the files that have one.
    var inputs: [String: String]?
  }
}
