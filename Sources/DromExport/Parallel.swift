import Foundation

/// Runs `body` for every index in `0..<count` on as many threads as the machine has cores
/// (making a page is independent of making another; the writer and the index are shared
/// safely). Indices are handed out one at a time, so a slow one does not hold up a share. The
/// first error stops the handing out and is thrown once every thread has returned.
func inParallel(_ count: Int, _ body: (Int) throws -> Void) throws {
  guard count > 0 else { return }
  let threads = min(count, max(1, ProcessInfo.processInfo.activeProcessorCount))
  if threads == 1 {
    for index in 0..<count { try body(index) }
    return
  }
  let state = SharedCounter()
  withoutActuallyEscaping(body) { body in
    let work = UncheckedSendable(body)
    DispatchQueue.concurrentPerform(iterations: threads) { _ in
      while let index = state.next(below: count) {
        do { try work.value(index) } catch {
          state.fail(error)
          return
        }
      }
    }
  }
  if let error = state.error { throw error }
}

/// The next index to hand out, and the first error, shared by the threads.
private final class SharedCounter: @unchecked Sendable {  // all state under `lock`
  private let lock = NSLock()
  private var nextIndex = 0
  private var firstError: (any Error)?

  func next(below count: Int) -> Int? {
    lock.withLock {
      guard firstError == nil, nextIndex < count else { return nil }
      defer { nextIndex += 1 }
      return nextIndex
    }
  }

  func fail(_ error: any Error) {
    lock.withLock { if firstError == nil { firstError = error } }
  }

  var error: (any Error)? { lock.withLock { firstError } }
}

/// A value handed to other threads that its owner guarantees is safe to share there: the
/// bodies given to `inParallel` touch only the writer, the index and their own pages.
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// How many pages are done, told to the progress display from whichever thread made them.
final class ProgressCounter: @unchecked Sendable {  // `done` only under `lock`
  private let lock = NSLock()
  private var done = 0
  private let total: Int
  private let report: (Int, Int) -> Void

  init(total: Int, report: @escaping (Int, Int) -> Void) {
    self.total = total
    self.report = report
  }

  func add(_ count: Int) {
    lock.withLock {
      done += count
      report(done, total)
    }
  }
}

/// Values made on several threads, kept in the order of their indices.
final class RowsInOrder<Value>: @unchecked Sendable {  // `slots` only under `lock`
  private let lock = NSLock()
  private var slots: [Value?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }

  var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}
