import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where an export's files go: a folder on disk, or memory (tests). Paths are relative, with
/// `/` between folders (`sv/entry/3f32…/index.html`).
public protocol ExportSink: AnyObject, Sendable {
  /// The bytes of a file written earlier, or nil when there is none.
  func read(_ path: String) throws -> Data?
  func exists(_ path: String) -> Bool
  func write(_ path: String, _ data: Data) throws
  func remove(_ path: String) throws
}

/// Files in memory: what the tests export into.
public final class MemorySink: ExportSink, @unchecked Sendable {  // `stored` only under `lock`
  private let lock = NSLock()
  private var stored: [String: Data] = [:]

  public init() {}

  public var files: [String: Data] { lock.withLock { stored } }
  public func read(_ path: String) throws -> Data? { lock.withLock { stored[path] } }
  public func exists(_ path: String) -> Bool { lock.withLock { stored[path] != nil } }
  public func write(_ path: String, _ data: Data) throws { lock.withLock { stored[path] = data } }
  public func remove(_ path: String) throws { lock.withLock { stored[path] = nil } }
}

/// Files in a folder. Each file is written to a temporary name and renamed into place, so a
/// host serving the folder never sends half a page, and an export killed midway leaves every
/// file whole (old or new).
public final class DiskSink: ExportSink, @unchecked Sendable {  // `folders` only under `lock`
  public let root: URL
  private let files = FileManager.default
  private let lock = NSLock()
  /// Folders known to exist: asking again for each of 180 000 files cost a walk up the path.
  private var folders: Set<String> = []

  public init(root: URL) throws {
    self.root = root
    try files.createDirectory(at: root, withIntermediateDirectories: true)
  }

  private func url(_ path: String) -> URL { root.appendingPathComponent(path) }

  public func read(_ path: String) throws -> Data? {
    files.fileExists(atPath: url(path).path) ? try Data(contentsOf: url(path)) : nil
  }

  public func exists(_ path: String) -> Bool {
    // stat(2) directly: FileManager's answer cost more than the rest of deciding to keep a page.
    var status = stat()
    return stat(root.path + "/" + path, &status) == 0
  }

  public func write(_ path: String, _ data: Data) throws {
    let target = url(path)
    let folder = target.deletingLastPathComponent()
    if !lock.withLock({ folders.contains(folder.path) }) {
      try files.createDirectory(at: folder, withIntermediateDirectories: true)
      lock.withLock { _ = folders.insert(folder.path) }
    }
    do {
      try data.write(to: target, options: .atomic)
    } catch {
      throw ExportError.write(path: target.path, reason: "\(error.localizedDescription)")
    }
  }

  public func remove(_ path: String) throws {
    let target = url(path)
    guard files.fileExists(atPath: target.path) else { return }
    try files.removeItem(at: target)
    lock.withLock { folders.removeAll() }
    // Folders left empty (a deleted entry's) go too, up to the export's root.
    var folder = target.deletingLastPathComponent()
    while folder.path.count > root.path.count,
      (try? files.contentsOfDirectory(atPath: folder.path))?.isEmpty == true
    {
      try files.removeItem(at: folder)
      folder = folder.deletingLastPathComponent()
    }
  }
}

public enum ExportError: Error, CustomStringConvertible {
  case write(path: String, reason: String)

  public var description: String {
    switch self {
    case .write(let path, let reason):
      "cannot write \(path): \(reason). Check that the disk has room and the folder is writable; the files already there are whole, and the next export finishes the job"
    }
  }
}
