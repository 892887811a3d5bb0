import ArgumentParser
import DromStore
import Foundation

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check the index file: SQLite's integrity check and the full-text index's.",
    discussion: """
      Exits 1 and says what is wrong when either fails. A harvest killed at any moment leaves \
      the index sound (one transaction per partner); run this after a crash, a full disk or a \
      copy to be sure. A damaged index is rebuilt by harvesting into a new file.
      """)

  @OptionGroup var database: DatabaseOption

  func run() throws {
    guard FileManager.default.fileExists(atPath: database.db) else {
      throw ValidationError("there is no index at '\(database.db)': give --db")
    }
    let problems = try database.open().integrityProblems()
    if problems.isEmpty {
      print("\(database.db): sound (SQLite integrity check and full-text index check passed)")
      return
    }
    for problem in problems { printError("\(database.db): \(problem)") }
    throw ExitCode(1)
  }
}
