import ArgumentParser
import DromStore
import Foundation

struct Erase: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Remove entries from the index at once, at a person's request, for good.",
    discussion: """
      Give an entry's page address (the part after /entry/) or its feed identifier (atom:id, \
      guid: every partner's copy). The entry leaves the index, the search service (at once) and \
      the file's bytes (the full-text index is merged and the write-ahead log truncated); the \
      next `drom export site` removes its pages. Drom will not take it again from the same \
      partner's feed: tell the partner to delete it (a tombstone, or leave it out of a complete \
      feed) or remove the person's card. See docs/privacy.md.
      """)

  @OptionGroup var database: DatabaseOption
  @Argument(help: ArgumentHelp("Page addresses or feed identifiers.", valueName: "entry"))
  var entries: [String] = []
  @Flag(
    help:
      "List what was erased, newest first, instead: when, the partner, and the SHA-256 of the entry's feed identifier (the index keeps nothing else of it)."
  )
  var list = false

  func validate() throws {
    if !list && entries.isEmpty {
      throw ValidationError("name the entries to erase (their page address or feed identifier)")
    }
  }

  func run() throws {
    guard FileManager.default.fileExists(atPath: database.db) else {
      throw ValidationError("there is no index at '\(database.db)': give --db")
    }
    let index = try database.open()
    if list {
      let formatter = ISO8601DateFormatter()
      for erasure in try index.erasures() {
        print(
          "\(formatter.string(from: erasure.erasedAt))\t\(erasure.sourceKey)\t\(erasure.entryHash)"
        )
      }
      return
    }
    var missing: [String] = []
    for reference in entries {
      let erased = try index.erase(reference)
      if erased.isEmpty { missing.append(reference) }
      for erasure in erased {
        print(
          "erased \"\(erasure.title ?? "")\" (\(erasure.entryID ?? erasure.entryHash)) from \(erasure.sourceKey)"
        )
      }
    }
    if !missing.isEmpty {
      throw ValidationError(
        "no entry has the address or identifier \(missing.map { "'\($0)'" }.joined(separator: ", ")): "
          + "give the part of its page address after /entry/, or its atom:id or guid (drom erase --list shows what was erased)"
      )
    }
  }
}
