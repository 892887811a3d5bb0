import CLibXML2
import Foundation

/// A libxml2 HTML parser context and a writer, reused for every fragment one thread sanitises.
///
/// Creating and freeing a context (with its dictionary and buffers) for each fragment was a
/// fifth of the sanitiser's time. The context is reset between fragments and replaced now and
/// then: its dictionary keeps every element and attribute name it has seen, and hostile markup
/// could make that grow without bound. Never share one between threads.
final class HTMLFragmentParser {
  private var context: htmlParserCtxtPtr?
  private var fragmentsOnContext = 0
  /// The fragment, NUL-terminated, as libxml2's string input wants it.
  private var input: [UInt8] = []
  private let writer = HTMLSanitizer.Writer()

  /// Buffers grown past this by a huge fragment are given back when the next one starts.
  static let keptBufferBytes = 1 << 20

  /// Fragments one context reads, and names its dictionary holds, before it is replaced.
  static let maxFragmentsPerContext = 4096
  static let maxDictionaryNames = 4096

  init() {
    _ = LibXML.ready
  }

  deinit {
    if let context { htmlFreeParserCtxt(context) }
  }

  /// Parses the markup as HTML into the writer's `html` and `text`; nil when libxml2 could not
  /// start.
  func parse(_ markup: UnsafeBufferPointer<UInt8>, base: String?, keepingHTML: Bool)
    -> HTMLSanitizer.Writer?
  {
    guard let start = markup.baseAddress, !markup.isEmpty, let context = readyContext() else {
      return nil
    }
    writer.reset(base: base, keepingHTML: keepingHTML, keepingBytes: Self.keptBufferBytes)
    input.removeAll(keepingCapacity: input.capacity <= Self.keptBufferBytes)
    input.append(contentsOf: markup)
    // libxml2 reads a string input up to its first NUL; in memory it read a NUL as a space.
    if memchr(start, 0, markup.count) != nil {
      for index in input.indices where input[index] == 0 { input[index] = 0x20 }
    }
    input.append(0)
    let parsed = input.withUnsafeBufferPointer { input -> Bool in
      htmlCtxtReset(context)
      guard let stream = xmlNewStringInputStream(context, input.baseAddress) else { return false }
      // On failure inputPush has freed the stream itself.
      guard inputPush(context, stream) >= 0 else { return false }
      context.pointee.userData = Unmanaged.passUnretained(writer).toOpaque()
      // The fragment is UTF-8 (it comes from a Swift string or libxml2's own output), whatever
      // a <meta charset> in it says.
      _ = xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8)
      _ = htmlParseDocument(context)
      // Drop the input now: it points into `input`, which the next fragment overwrites.
      htmlCtxtReset(context)
      return true
    }
    fragmentsOnContext += 1
    guard parsed else { return nil }
    writer.finish()
    return writer
  }

  private func readyContext() -> htmlParserCtxtPtr? {
    if let context,
      fragmentsOnContext < Self.maxFragmentsPerContext,
      xmlDictSize(context.pointee.dict) < Self.maxDictionaryNames
    {
      return context
    }
    if let context { htmlFreeParserCtxt(context) }
    context = nil
    fragmentsOnContext = 0
    guard let fresh = htmlNewParserCtxt() else { return nil }
    // The whole handler is replaced: the default one would build a document and print errors.
    fresh.pointee.sax.pointee = HTMLSanitizer.Writer.makeHandler()
    // Never add HTML_PARSE_NOBLANKS: it installs libxml2's own whitespace handler, which would
    // take the writer for a parser context.
    _ = htmlCtxtUseOptions(
      fresh,
      Int32(
        HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
          | HTML_PARSE_IGNORE_ENC.rawValue))
    context = fresh
    return fresh
  }
}
