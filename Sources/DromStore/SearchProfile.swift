import Foundation

/// `DROM_PROFILE_SEARCH=1`: one line per search on standard error, with the time of each of
/// its steps (docs/performance.md). Costs nothing otherwise.
struct SearchProfile {
  static let enabled = ProcessInfo.processInfo.environment["DROM_PROFILE_SEARCH"] == "1"

  private let text: String
  private var last = ContinuousClock.now
  private var steps: [String] = []

  init(_ text: String) {
    self.text = text
  }

  mutating func lap(_ step: @autoclosure () -> String) {
    guard Self.enabled else { return }
    let now = ContinuousClock.now
    let (seconds, attoseconds) = (now - last).components
    let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
    steps.append("\(step()) \((milliseconds * 100).rounded() / 100) ms")
    last = now
  }

  mutating func note(_ what: @autoclosure () -> String) {
    guard Self.enabled else { return }
    steps.append(what())
  }

  func end() {
    guard Self.enabled else { return }
    FileHandle.standardError.write(
      Data("search \(text.debugDescription): \(steps.joined(separator: ", "))\n".utf8))
  }
}
