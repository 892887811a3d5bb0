import CMimalloc

/// The process's memory allocator: mimalloc, linked into the executable, replaces glibc's
/// malloc for everything drom runs, Swift's runtime included.
///
/// Drom reads a long feed on two threads, and entries made on one are freed on the other.
/// glibc's malloc takes a lock on the allocating thread's arena for each such free, and that
/// contention cost the two-thread reader 5–15 % of its time (docs/performance.md). mimalloc
/// frees across threads without a lock. `drom --version` names it, which also keeps the linker
/// from dropping the library as unused.
enum Allocator {
  static var name: String {
    let version = Int(mi_version())
    return "mimalloc \(version / 100).\(version / 10 % 10).\(version % 10)"
  }
}
