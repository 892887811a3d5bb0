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
/// Pages are made on several threads at once: everything it keeps is under its lock.
public final class ExportWriter: @unchecked Sendable {
  public static let manifestPath = ".drom-export.tsv"
  /// Where exports before version 2 of the manifest kept it, as JSON: read once, then removed.
  static let legacyManifestPath = ".drom-export.json"

  public enum Mode { case write, check }

  private let sink: any ExportSink
  private let mode: Mode
  private let previous: [String: String]
  private let previousInputs: [String: String]
  private var current: [String: String] = [:]
  private var currentInputs: [String: String] = [:]
  private var counts = ExportSummary()
  private let lock = NSLock()

  public var summary: ExportSummary { lock.withLock { counts } }

  public init(sink: any ExportSink, mode: Mode = .write) throws {
    self.sink = sink
    self.mode = mode
    if let data = try sink.read(Self.manifestPath), let manifest = Manifest(data) {
      previous = manifest.files
      previousInputs = manifest.inputs
    } else if let data = try sink.read(Self.legacyManifestPath),
      let manifest = try? JSONDecoder().decode(LegacyManifest.self, from: data)
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
    guard mode == .write, previousInputs[path] == inputs, let hash = previous[path] else {
      return false
    }
    // Asked outside the lock: the file system is slower than the rest, and only this caller
    // makes this path.
    guard sink.exists(path) else { return false }
    return lock.withLock {
      guard current[path] == nil else { return false }
      current[path] = hash
      currentInputs[path] = inputs
      counts.unchanged += 1
      return true
    }
  }

  /// One file of the export; the same path twice is a bug in the caller.
  /// - Parameter inputs: a fingerprint of what the file was made from, for `reuse`.
  public func put(_ path: String, _ data: Data, inputs: String? = nil) throws {
    let hash = Hex.lowercase(SHA256.hash(data: data))
    lock.withLock {
      precondition(current[path] == nil, "the export wrote \(path) twice")
      current[path] = hash
      currentInputs[path] = inputs
      counts.rendered += 1
    }
    switch mode {
    case .write:
      // The manifest's word is trusted only if the file is still there.
      if previous[path] == hash, sink.exists(path) {
        lock.withLock { counts.unchanged += 1 }
      } else {
        try sink.write(path, data)
        lock.withLock {
          counts.written += 1
          counts.bytes += data.count
        }
      }
    case .check:
      guard let existing = try sink.read(path) else {
        lock.withLock { counts.problems.append("\(path) is missing") }
        return
      }
      lock.withLock {
        if existing == data {
          counts.unchanged += 1
        } else {
          counts.problems.append("\(path) differs from what the index gives now")
        }
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
        counts.removed += 1
      case .check:
        if try sink.read(path) != nil {
          counts.problems.append("\(path) is no longer part of the directory")
        }
      }
    }
    if mode == .write {
      try sink.write(
        Self.manifestPath, Manifest(files: current, inputs: currentInputs).data)
      if sink.exists(Self.legacyManifestPath) { try sink.remove(Self.legacyManifestPath) }
    }
    return counts
  }

  /// What an export wrote: one line per file, `hash TAB inputs TAB path`, sorted by path (an
  /// export of 180 000 files made a 30 MB JSON manifest whose reading and writing took longer
  /// than a small export's pages).
  struct Manifest {
    static let header = "drom-export 2"
    var files: [String: String]
    /// Path → fingerprint of its inputs, for the files that have one.
    var inputs: [String: String]

    init(files: [String: String], inputs: [String: String]) {
      self.files = files
      self.inputs = inputs
    }

    /// Nil when the data is not a manifest of this version.
    init?(_ data: Data) {
      let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
      guard let first = lines.first, String(decoding: first, as: UTF8.self) == Self.header else {
        return nil
      }
      var files: [String: String] = [:]
      var inputs: [String: String] = [:]
      files.reserveCapacity(lines.count)
      for line in lines.dropFirst() {
        let fields = line.split(
          separator: UInt8(ascii: "\t"), maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3,
          let path = String(decoding: fields[2], as: UTF8.self).removingPercentEncoding
        else { return nil }
        files[path] = String(decoding: fields[0], as: UTF8.self)
        if !fields[1].isEmpty { inputs[path] = String(decoding: fields[1], as: UTF8.self) }
      }
      self.files = files
      self.inputs = inputs
    }

    var data: Data {
      var text = Self.header + "\n"
      for path in files.keys.sorted() {
        text += "\(files[path]!)\t\(inputs[path] ?? "")\t\(Self.escape(path))\n"
      }
      return Data(text.utf8)
    }

    /// A path on one line: `%`, tab and line breaks percent-encoded.
    static func escape(_ path: String) -> String {
      guard path.contains(where: { "%\t\n\r".contains($0) }) else { return path }
      return path.replacingOccurrences(of: "%", with: "%25")
        .replacingOccurrences(of: "\t", with: "%09").replacingOccurrences(of: "\n", with: "%0A")
        .replacingOccurrences(of: "\r", with: "%0D")
    }
  }

  struct LegacyManifest: Decodable {
    var files: [String: String]
    var inputs: [String: String]?
  }
}
