import DromFuzzing
import Foundation
import Testing

/// What scripts/fuzz found stays found: every input in `Tests/Fixtures/fuzz/<target>/` goes
/// through the same harness as drom-fuzz (Sources/DromFuzzing), in process. So do the seeds the
/// fuzzers start from, so that an invariant too strict for honest input shows here first.
///
/// An input that breaks an invariant in the way of a `KnownIssue` (a bug found and not fixed
/// yet) is expected to; once the bug is fixed and its case removed, the test holds it again.
/// Inputs named `open-*` still crash or hang, so they run only with DROM_FUZZ_OPEN=1 (to check
/// a fix; then drop the prefix).
@Suite("Fuzzing: regressions and seeds")
struct FuzzRegressionTests {
  @Test("every input the fuzzers found holds the invariants", arguments: FuzzTarget.allCases)
  func regressions(_ target: FuzzTarget) async throws {
    let open = ProcessInfo.processInfo.environment["DROM_FUZZ_OPEN"] == "1"
    try await replay(
      try FuzzSeeds.regressions(for: target, repository: repositoryRoot, includingOpen: open),
      through: target)
  }

  @Test("every seed holds the invariants", arguments: FuzzTarget.allCases)
  func seeds(_ target: FuzzTarget) async throws {
    let seeds = try FuzzSeeds.inputs(for: target, repository: repositoryRoot)
    #expect(!seeds.isEmpty)
    try await replay(seeds, through: target)
  }

  private func replay(_ inputs: [(name: String, data: Data)], through target: FuzzTarget)
    async throws
  {
    let harness = try FuzzHarness(
      repository: repositoryRoot,
      workDirectory: FileManager.default.temporaryDirectory.appendingPathComponent(
        "drom-fuzz-\(target)-\(UUID())"))
    defer { harness.removeFiles() }
    try await harness.prepare(for: target)
    for input in inputs {
      do {
        try harness.run(target, input.data)
      } catch let finding as FuzzFinding where finding.knownIssue != nil {
        withKnownIssue("\(finding.knownIssue!.rawValue)") {
          Issue.record("\(input.name): \(finding)")
        }
      } catch {
        Issue.record("\(input.name): \(error)")
      }
    }
  }
}
