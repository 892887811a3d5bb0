import Foundation
import Testing

@Suite("The README")
struct ReadmeTests {
  private func subcommands(of path: [String]) throws -> [String] {
    let help = try drom(path + ["--help"]).stdout
    guard let section = help.range(of: "SUBCOMMANDS:") else { return [] }
    // The list runs from the heading to the first blank line.
    let list = help[section.upperBound...].drop { $0 == "\n" }
    let block = list.components(separatedBy: "\n\n").first ?? ""
    return block.split(separator: "\n").compactMap { line in
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      // Subcommands sit two spaces in; deeper lines continue a wrapped abstract.
      guard line.hasPrefix("  "), !line.hasPrefix("   "),
        let word = trimmed.split(separator: " ").first
      else { return nil }
      return String(word)
    }.filter { $0 != "help" && !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0 == "-" } }
  }

  @Test("names every subcommand and every option")
  func mentionsEverything() throws {
    let readme = try String(
      contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    var pending = try subcommands(of: []).map { [$0] }
    #expect(!pending.isEmpty)
    while let command = pending.popLast() {
      #expect(
        readme.contains("drom " + command.joined(separator: " ")),
        "README lacks 'drom \(command.joined(separator: " "))'")
      pending += try subcommands(of: command).map { command + [$0] }
      let help = try drom(command + ["--help"]).stdout
      let options = help.matches(of: try Regex(#"(?m)^\s+(?:-\w, )?(--[a-z][a-z-]*)"#)).map {
        String($0.output[1].substring!)
      }
      for option in Set(options).subtracting(["--help", "--version"]) {
        #expect(
          readme.contains(option),
          "README lacks \(option) of drom \(command.joined(separator: " "))")
      }
    }
  }
}
