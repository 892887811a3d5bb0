import Foundation

/// The repository's root, found from this file's place in it.
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// What a run of the real `drom` binary printed and returned.
struct RunResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// The `drom` binary SwiftPM built beside this test bundle.
let dromBinary: URL = {
  var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  // On Linux the tests run from .build/<config>/DromPackageTests.xctest.
  for _ in 0..<3 {
    let candidate = directory.appendingPathComponent("drom")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    directory = directory.deletingLastPathComponent()
  }
  return repositoryRoot.appendingPathComponent(".build/debug/drom")
}()

/// Runs `drom` with the arguments, from the repository root, and waits for it.
func drom(_ arguments: [String], stdin: Data? = nil) throws -> RunResult {
  let process = Process()
  process.executableURL = dromBinary
  process.arguments = arguments
  process.currentDirectoryURL = repositoryRoot
  let output = Pipe()
  let errors = Pipe()
  process.standardOutput = output
  process.standardError = errors
  let input = Pipe()
  process.standardInput = input
  try process.run()
  if let stdin { input.fileHandleForWriting.write(stdin) }
  try input.fileHandleForWriting.close()
  // Read both pipes before waiting, so a large output cannot fill a pipe and block the child.
  let errorData = LockedData()
  let errorReader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
  errorReader.start()
  let outputData = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  while !errorData.isSet { usleep(1000) }
  return RunResult(
    status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
    stderr: String(decoding: errorData.value, as: UTF8.self))
}

final class LockedData: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()
  private var done = false

  func set(_ value: Data) {
    lock.withLock {
      data = value
      done = true
    }
  }
  var isSet: Bool { lock.withLock { done } }
  var value: Data { lock.withLock { data } }
}

/// Compares text with a golden file under Tests/DromCLITests/Golden; with
/// DROM_RECORD_GOLDEN=1 in the environment, writes the file instead.
func matchesGolden(_ actual: String, named name: String) throws -> Bool {
  let url = repositoryRoot.appendingPathComponent("Tests/DromCLITests/Golden/\(name)")
  if ProcessInfo.processInfo.environment["DROM_RECORD_GOLDEN"] == "1" {
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(actual.utf8).write(to: url)
    return true
  }
  let expected = try String(contentsOf: url, encoding: .utf8)
  return expected == actual
}
