import CLibXML2
import Foundation

/// The errors libxml2 raises outside any parser context while `body` runs on this thread:
/// those Drom's per-context handler never sees (libxml2 would print them on standard error).
/// A failed character conversion is one (`encoding error : input conversion failed`): the
/// parser then halts, and only `xmlParseChunk`'s return value says so.
enum StrayLibXMLErrors {
  private final class Collected {
    var messages: [String] = []
  }

  static func collecting<T>(_ body: () -> T) -> (T, [String]) {
    let collected = Collected()
    let context = Unmanaged.passRetained(collected)
    // libxml2 keeps this handler per thread.
    xmlSetStructuredErrorFunc(context.toOpaque()) { userData, error in
      // An error with a parser context is that parser's to report (the HTML sanitiser's
      // parser leaves its own unreported on purpose).
      guard let userData, let error, error.pointee.ctxt == nil else { return }
      let message =
        error.pointee.message.map { String(cString: $0) }?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "error \(error.pointee.code)"
      Unmanaged<Collected>.fromOpaque(userData).takeUnretainedValue().messages.append(message)
    }
    defer {
      xmlSetStructuredErrorFunc(nil, nil)
      context.release()
    }
    return (body(), collected.messages)
  }
}
