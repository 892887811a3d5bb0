import DromFuzzing
import Foundation

#if DROM_FUZZING
  import CLibFuzzer
#endif

// drom-fuzz: DromFuzzing's harnesses as a program.
//
//     drom-fuzz TARGET FILE-OR-FOLDER…   replays inputs through TARGET's harness: how a crash
//                                        file is reproduced; exits 1 if an input breaks an
//                                        invariant (a crash is a crash)
//     drom-fuzz seeds TARGET FOLDER      writes TARGET's seed corpus into FOLDER
//     drom-fuzz dictionary TARGET        prints TARGET's libFuzzer dictionary
//     drom-fuzz targets                  lists the targets
//
// Built by scripts/fuzz with `-DDROM_FUZZING -sanitize=fuzzer,address`, the program is
// libFuzzer's instead: `drom-fuzz TARGET [libFuzzer options] [CORPUS…]`, or DROM_FUZZ_TARGET
// for the target. That build defines `LLVMFuzzerTestOneInput` and no `@main`: SwiftPM links an
// executable with `main` as an alias of `drom_fuzz_main`, so that is the name of the function
// that starts libFuzzer (through `LLVMFuzzerRunDriver`), and libFuzzer's own `main` is unused.
//
// The repository is the current folder, or DROM_REPOSITORY. The harness works in a folder of
// its own under TMPDIR.

private enum Command {
  static let usage = """
    usage: drom-fuzz TARGET FILE-OR-FOLDER…
           drom-fuzz seeds TARGET FOLDER
           drom-fuzz dictionary TARGET
           drom-fuzz targets
    targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))

    """

  static var repository: URL {
    URL(
      fileURLWithPath: ProcessInfo.processInfo.environment["DROM_REPOSITORY"]
        ?? FileManager.default.currentDirectoryPath)
  }

  static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("drom-fuzz: \(message)\n".utf8))
    exit(2)
  }

  /// Runs `seeds`, `dictionary` and `targets`; nil for other arguments.
  static func auxiliary(_ arguments: [String]) -> Int32? {
    switch arguments.first {
    case "targets":
      print(FuzzTarget.allCases.map(\.rawValue).joined(separator: "\n"))
      return 0
    case "dictionary":
      guard arguments.count == 2, let target = FuzzTarget(rawValue: arguments[1]) else {
        fail(usage)
      }
      print(FuzzSeeds.dictionary(for: target), terminator: "")
      return 0
    case "seeds":
      guard arguments.count == 3, let target = FuzzTarget(rawValue: arguments[1]) else {
        fail(usage)
      }
      let folder = URL(fileURLWithPath: arguments[2])
      do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let inputs =
          try FuzzSeeds.inputs(for: target, repository: repository)
          + FuzzSeeds.regressions(for: target, repository: repository)
        for (number, input) in inputs.enumerated() {
          try input.data.write(to: folder.appendingPathComponent("seed-\(number)-\(input.name)"))
        }
        print("\(target): \(inputs.count) seeds in \(folder.path)")
        return 0
      } catch {
        fail("cannot write the seeds: \(error)")
      }
    default:
      return nil
    }
  }

  static func harness(for target: FuzzTarget) -> FuzzHarness {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-fuzz-\(ProcessInfo.processInfo.processIdentifier)")
    do {
      return try FuzzHarness(repository: repository, workDirectory: work)
    } catch {
      fail("cannot make the harness's folder: \(error)")
    }
  }

  /// The regular files named, folders' files included (not recursively), in name order.
  static func files(_ paths: [String]) -> [String] {
    paths.flatMap { path -> [String] in
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
        fail("there is no \(path)")
      }
      guard isFolder.boolValue else { return [path] }
      let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
      return names.sorted().filter { !$0.hasPrefix(".") }.map {
        (path as NSString).appendingPathComponent($0)
      }
    }
  }
}

#if DROM_FUZZING
  /// What `LLVMFuzzerTestOneInput` runs: set once, before libFuzzer starts.
  nonisolated(unsafe) private var fuzzing: (harness: FuzzHarness, target: FuzzTarget)?

  /// One input from libFuzzer. A broken invariant stops the program as a crash would, so that
  /// libFuzzer keeps the input.
  @_cdecl("LLVMFuzzerTestOneInput")
  func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let fuzzing else { return 0 }
    let input = data.map { Data(bytes: $0, count: size) } ?? Data()
    do {
      try fuzzing.harness.run(fuzzing.target, input)
    } catch let finding as FuzzFinding where finding.knownIssue != nil {
      return 0
    } catch {
      fatalError("\(error)")
    }
    return 0
  }

  @_cdecl("drom_fuzz_main")
  func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    let arguments = (0..<Int(argc)).map { String(cString: argv[$0]!) }
    if let status = Command.auxiliary(Array(arguments.dropFirst())) { return status }
    var passed = [argv[0]]
    var name = ProcessInfo.processInfo.environment["DROM_FUZZ_TARGET"]
    if arguments.count > 1, FuzzTarget(rawValue: arguments[1]) != nil {
      name = arguments[1]
      // libFuzzer's child processes (-fork, -jobs, -minimize_crash) inherit the environment,
      // not this argument.
      setenv("DROM_FUZZ_TARGET", arguments[1], 1)
      passed += (2..<Int(argc)).map { argv[$0] }
    } else {
      passed += (1..<Int(argc)).map { argv[$0] }
    }
    guard let target = name.flatMap(FuzzTarget.init(rawValue:)) else { Command.fail(Command.usage) }
    let harness = Command.harness(for: target)
    let semaphore = DispatchSemaphore(value: 0)
    nonisolated(unsafe) let preparing = harness
    nonisolated(unsafe) var failure: (any Error)?
    Task {
      do { try await preparing.prepare(for: target) } catch { failure = error }
      semaphore.signal()
    }
    semaphore.wait()
    if let failure { Command.fail("cannot prepare \(target): \(failure)") }
    fuzzing = (harness, target)
    atexit { fuzzing?.harness.removeFiles() }
    passed.append(nil)
    var count = CInt(passed.count - 1)
    return passed.withUnsafeMutableBufferPointer { buffer in
      var pointer = buffer.baseAddress
      return LLVMFuzzerRunDriver(&count, &pointer) { testOneInput($0, $1) }
    }
  }
#else
  @main
  struct DromFuzz {
    static func main() async {
      let arguments = Array(CommandLine.arguments.dropFirst())
      if let status = Command.auxiliary(arguments) { exit(status) }
      guard arguments.count > 1, let target = FuzzTarget(rawValue: arguments[0]) else {
        Command.fail(Command.usage)
      }
      let harness = Command.harness(for: target)
      do {
        try await harness.prepare(for: target)
      } catch {
        harness.removeFiles()
        Command.fail("cannot prepare \(target): \(error)")
      }
      var broken = 0
      for path in Command.files(Array(arguments.dropFirst())) {
        do {
          try harness.run(target, try Data(contentsOf: URL(fileURLWithPath: path)))
          print("ok: \(path)")
        } catch {
          broken += 1
          print("\(path): \(error)")
        }
      }
      harness.removeFiles()
      if broken > 0 { exit(1) }
    }
  }
#endif
