import DromModel
import Foundation

/// Adapts the entries of a long feed on a second thread while libxml2 reads on, and hands them
/// back on the reading thread in document order.
///
/// Adapting an entry (HTML sanitising above all) costs about as much as reading it, so on two
/// cores a long feed reads in little more than half the time. Each entry is adapted with a copy
/// of the feed's context as it stood when the entry closed, and its diagnostics are replayed in
/// order, so the result is exactly the one-thread result. When the worker falls behind, the
/// reading thread adapts queued entries itself, so the queue (and memory) stays bounded.
final class EntryPipeline: @unchecked Sendable {
  /// One entry's adaptation: run on whichever thread takes it, with that thread's workspace.
  struct Job {
    let sequence: Int
    let run: (AdapterWorkspace) -> Outcome
  }

  /// A class, so that passing one from thread to thread and list to list moves a reference,
  /// not a large entry whose every string would be retained and released.
  final class Outcome {
    let number: Int
    /// Taken out (moved, not copied) when the entry is delivered.
    var entry: Entry?
    let diagnostics: DiagnosticCollector

    init(number: Int, entry: Entry?, diagnostics: DiagnosticCollector) {
      self.number = number
      self.entry = entry
      self.diagnostics = diagnostics
    }
  }

  /// Entries waiting for a thread; past this the reading thread adapts them itself.
  static let maxQueued = 32
  /// Entries submitted and not yet delivered, at most; past this the reader waits.
  static let maxInFlight = 4 * maxQueued
  /// Entries queued before a sleeping worker is woken.
  static let wakeBatch = 8

  // Everything below is guarded by `condition`.
  private let condition = NSCondition()
  /// Jobs in submission order; a taken job moves to `finished`.
  private var queue: [Job?] = []
  private var queueHead = 0
  /// Adapted entries by sequence, each with its job: the job (and the subtree it holds) is
  /// released on the reading thread, which allocated it. Freeing it on the worker cost 7 % more
  /// time: glibc's malloc is at its worst when one thread frees what another allocated.
  private var finished: [Int: (outcome: Outcome, job: Job)] = [:]
  private var submitted = 0
  private var delivered = 0
  private var closing = false
  // Who is waiting, so that a signal (a futex call) is sent only when someone will wake.
  private var workerIsWaiting = false
  private var readerIsWaiting = false

  private let readerWorkspace = AdapterWorkspace()

  init() {
    let worker = Thread { [self] in work() }
    // The HTML parser and the sanitiser recurse; give the worker a main-thread-sized stack.
    worker.stackSize = 8 << 20
    worker.name = "drom-adapt"
    worker.start()
  }

  /// Queues one entry; returns the entries finished so far, in document order.
  func submit(_ run: @escaping (AdapterWorkspace) -> Outcome) -> [Outcome] {
    condition.lock()
    queue.append(Job(sequence: submitted, run: run))
    submitted += 1
    // A sleeping worker is woken for a batch, not for each entry: waking it costs a futex call
    // and two context switches, and at one wake per entry that was half the run's time
    // whenever the worker kept up with the reader.
    if workerIsWaiting && queue.count - queueHead >= Self.wakeBatch { condition.signal() }
    while queue.count - queueHead > Self.maxQueued {
      runOneQueued()
    }
    var ready = Ready()
    takeReady(into: &ready)
    // Entries adapted here wait for the one the worker holds before they can be delivered; a
    // worker stuck on a huge entry must not let them pile up without bound.
    while submitted - delivered > Self.maxInFlight {
      readerIsWaiting = true
      condition.wait()
      readerIsWaiting = false
      takeReady(into: &ready)
    }
    condition.unlock()
    // The subtrees are released here, outside the lock (on the thread that allocated them).
    return ready.outcomes
  }

  /// Adapts what is left, waits for the worker, stops it; returns the remaining entries.
  func finish() -> [Outcome] {
    condition.lock()
    condition.signal()
    while queueHead < queue.count { runOneQueued() }
    var ready = Ready()
    takeReady(into: &ready)
    while delivered < submitted {
      readerIsWaiting = true
      condition.wait()
      readerIsWaiting = false
      takeReady(into: &ready)
    }
    closing = true
    condition.broadcast()
    condition.unlock()
    return ready.outcomes
  }

  /// Lets the worker end, for a reader dropped before its finish: what is queued is dropped.
  func close() {
    condition.lock()
    queue.removeAll()
    queueHead = 0
    finished.removeAll()
    closing = true
    condition.broadcast()
    condition.unlock()
  }

  // MARK: - Under the lock

  /// Takes the oldest queued job and runs it on this (the reading) thread, unlocked meanwhile.
  private func runOneQueued() {
    let job = dequeue()
    condition.unlock()
    let outcome = job.run(readerWorkspace)
    condition.lock()
    finished[job.sequence] = (outcome, job)
  }

  private func dequeue() -> Job {
    let job = queue[queueHead]!
    queue[queueHead] = nil
    queueHead += 1
    if queueHead > 64 && queueHead * 2 > queue.count {
      queue.removeFirst(queueHead)
      queueHead = 0
    }
    return job
  }

  /// Finished entries in document order, and their jobs, to be released by the caller.
  private struct Ready {
    var outcomes: [Outcome] = []
    var jobs: [Job] = []
  }

  private func takeReady(into ready: inout Ready) {
    while case (let outcome, let job)? = finished.removeValue(forKey: delivered) {
      ready.outcomes.append(outcome)
      ready.jobs.append(job)
      delivered += 1
    }
  }

  // MARK: - The worker thread

  private func work() {
    let workspace = AdapterWorkspace()
    condition.lock()
    while true {
      while queueHead == queue.count && !closing {
        workerIsWaiting = true
        condition.wait()
        workerIsWaiting = false
      }
      if queueHead == queue.count { break }
      let job = dequeue()
      condition.unlock()
      let outcome = job.run(workspace)
      condition.lock()
      finished[job.sequence] = (outcome, job)
      if readerIsWaiting { condition.signal() }
    }
    condition.unlock()
  }
}
