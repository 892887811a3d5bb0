import Dispatch

/// Runs synchronous reads of the index on a dispatch thread, not on one of Swift's cooperative
/// threads. Blocked there, waiting for a reader connection under load, they starve the tasks
/// that would free one: with two cores there are two cooperative threads, and the server stopped
/// answering at 16 connections (docs/deploy.md).
func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
  }
}
