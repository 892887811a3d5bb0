import Foundation

/// Where an import's feed goes, entry by entry, so that a sheet of any length needs no more
/// memory than one row: entries go to a body as they are made, and the feed's head (whose date
/// is the newest entry's) is put before them at the end.
public protocol FeedOutput: AnyObject {
  func append(entry text: String) throws
  /// Puts the head before the entries and closes the feed.
  func finish(head: String) throws
  /// Drops everything written: the import failed.
  func discard()
}

/// The feed as a string in memory (tests, standard output, dry runs).
public final class MemoryFeedOutput: FeedOutput {
  private var body = ""
  public private(set) var feed: String?

  public init() {}

  public func append(entry text: String) { body += "\n" + text }
  public func finish(head: String) { feed = head + body + FeedWriter.tail }
  public func discard() { body = "" }
}

/// The feed as a file, written beside it and moved into place only when whole: an import that
/// fails leaves the last feed as it was.
public final class FileFeedOutput: FeedOutput {
  let path: URL
  private let bodyPath: URL
  private let handle: FileHandle
  private var buffer = Data()

  public init(path: String) throws {
    self.path = URL(fileURLWithPath: path)
    bodyPath = self.path.deletingLastPathComponent().appendingPathComponent(
      ".\(self.path.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).body")
    guard FileManager.default.createFile(atPath: bodyPath.path, contents: nil) else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: bodyPath.path])
    }
    handle = try FileHandle(forWritingTo: bodyPath)
  }

  public func append(entry text: String) throws {
    buffer.append(contentsOf: Array(("\n" + text).utf8))
    if buffer.count > 1 << 20 {
      try handle.write(contentsOf: buffer)
      buffer.removeAll(keepingCapacity: true)
    }
  }

  /// Writes head, body and tail to a temporary file, which the caller checks, then `commit`s.
  public func finish(head: String) throws {
    try handle.write(contentsOf: buffer)
    buffer = Data()
    try handle.close()
    let whole = temporary
    guard FileManager.default.createFile(atPath: whole.path, contents: Data(head.utf8)) else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: whole.path])
    }
    let out = try FileHandle(forWritingTo: whole)
    try out.seekToEnd()
    let body = try FileHandle(forReadingFrom: bodyPath)
    while let chunk = try body.read(upToCount: 1 << 20), !chunk.isEmpty {
      try out.write(contentsOf: chunk)
    }
    try body.close()
    try out.write(contentsOf: Data(FeedWriter.tail.utf8))
    try out.close()
    try? FileManager.default.removeItem(at: bodyPath)
  }

  /// The finished feed before it replaces the last one.
  public var temporary: URL {
    path.deletingLastPathComponent().appendingPathComponent(
      ".\(path.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).new")
  }

  /// Moves the finished feed into place (atomically, on the same file system).
  public func commit() throws {
    // rename(2) replaces the old feed in one step, or leaves it as it was.
    guard rename(temporary.path, path.path) == 0 else {
      let error = CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path.path])
      discard()
      throw error
    }
  }

  public func discard() {
    try? handle.close()
    try? FileManager.default.removeItem(at: bodyPath)
    try? FileManager.default.removeItem(at: temporary)
  }
}
