/// A JSON document (RFC 8259) read into values that remember where they stand, so a JSON Feed
/// gets diagnostics with line and column like an XML one. Foundation's parser gives neither
/// positions nor limits; feeds are untrusted, so depth and string sizes are bounded here.
struct JSONNode: DiagnosticPlace {
  indirect enum Value {
    case object([(key: String, value: JSONNode)])
    case array([JSONNode])
    case string(String)
    /// The number as written: JSON Feed ids and sizes are read from it as needed.
    case number(String)
    case bool(Bool)
    case null
  }

  var value: Value
  var line: Int
  var column: Int

  /// The member named `key` of an object (the first, should a key repeat).
  subscript(key: String) -> JSONNode? {
    guard case .object(let members) = value else { return nil }
    return members.first { $0.key == key }?.value
  }

  var string: String? {
    if case .string(let text) = value { return text }
    return nil
  }

  var array: [JSONNode]? {
    if case .array(let items) = value { return items }
    return nil
  }

  var isObject: Bool {
    if case .object = value { return true }
    return false
  }

  /// What the value is, in a message's words.
  var kindName: String {
    switch value {
    case .object: "an object"
    case .array: "an array"
    case .string: "a string"
    case .number: "a number"
    case .bool: "true or false"
    case .null: "null"
    }
  }
}

struct JSONSyntaxError: Error {
  var message: String
  var line: Int
  var column: Int
}

/// A recursive-descent reader over UTF-8 bytes.
struct JSONReader {
  private let bytes: [UInt8]
  private let maxDepth: Int
  private let maxStringBytes: Int
  /// Each value costs a node many times its bytes: bounded, so a document of a million tiny
  /// values cannot take a gigabyte.
  private let maxValues: Int
  private var values = 0
  private var index = 0
  private var line = 1
  private var lineStart = 0

  init(_ bytes: [UInt8], maxDepth: Int, maxStringBytes: Int, maxValues: Int = 1_000_000) {
    self.bytes = bytes
    self.maxDepth = maxDepth
    self.maxStringBytes = maxStringBytes
    self.maxValues = maxValues
  }

  static func parse(_ bytes: [UInt8], maxDepth: Int, maxStringBytes: Int) throws(JSONSyntaxError)
    -> JSONNode
  {
    var reader = JSONReader(bytes, maxDepth: maxDepth, maxStringBytes: maxStringBytes)
    // A UTF-8 byte order mark is tolerated (RFC 8259 §8.1 lets a parser ignore it).
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
      reader.index = 3
      reader.lineStart = 3
    }
    let root = try reader.value(depth: 0)
    reader.skipWhitespace()
    if reader.index < bytes.count {
      throw reader.failure("there is more after the end of the JSON document")
    }
    return root
  }

  private var column: Int { index - lineStart + 1 }

  private func failure(_ message: String) -> JSONSyntaxError {
    JSONSyntaxError(message: message, line: line, column: column)
  }

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0D: index += 1
      case 0x0A:
        index += 1
        line += 1
        lineStart = index
      default: return
      }
    }
  }

  private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONNode {
    skipWhitespace()
    guard index < bytes.count else {
      throw failure("the JSON document ends where a value should be")
    }
    guard depth < maxDepth else {
      throw failure("values are nested more than \(maxDepth) deep here: a feed never needs this")
    }
    values += 1
    guard values <= maxValues else {
      throw failure(
        "the document holds more than \(maxValues) values: split it into pages (next_url)")
    }
    let (startLine, startColumn) = (line, column)
    let value: JSONNode.Value
    switch bytes[index] {
    case UInt8(ascii: "{"): value = try object(depth: depth)
    case UInt8(ascii: "["): value = try array(depth: depth)
    case UInt8(ascii: "\""): value = .string(try string())
    case UInt8(ascii: "t"): value = try literal("true", .bool(true))
    case UInt8(ascii: "f"): value = try literal("false", .bool(false))
    case UInt8(ascii: "n"): value = try literal("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = .number(try number())
    default:
      throw failure("unexpected '\(Unicode.Scalar(bytes[index]))' where a JSON value should be")
    }
    return JSONNode(value: value, line: startLine, column: startColumn)
  }

  private mutating func literal(_ word: String, _ value: JSONNode.Value) throws(JSONSyntaxError)
    -> JSONNode.Value
  {
    let expected = Array(word.utf8)
    guard bytes[index...].starts(with: expected) else {
      throw failure("unexpected text where a JSON value should be (true, false or null?)")
    }
    index += expected.count
    return value
  }

  private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONNode.Value {
    index += 1
    var members: [(key: String, value: JSONNode)] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw failure("an object's member must start with a quoted name")
      }
      let key = try string()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
        throw failure("a ':' must follow the member name \"\(key)\"")
      }
      index += 1
      members.append((key, try value(depth: depth + 1)))
      skipWhitespace()
      guard index < bytes.count else { throw failure("the JSON document ends inside an object") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      guard bytes[index] == UInt8(ascii: "}") else {
        throw failure("a ',' or '}' must follow an object's member (a missing comma?)")
      }
      index += 1
      return .object(members)
    }
  }

  private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONNode.Value {
    index += 1
    var items: [JSONNode] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(items)
    }
    while true {
      items.append(try value(depth: depth + 1))
      skipWhitespace()
      guard index < bytes.count else { throw failure("the JSON document ends inside an array") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      guard bytes[index] == UInt8(ascii: "]") else {
        throw failure("a ',' or ']' must follow an array's item (a missing comma?)")
      }
      index += 1
      return .array(items)
    }
  }

  private mutating func number() throws(JSONSyntaxError) -> String {
    let start = index
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    func digits(_ index: inout Int, _ bytes: [UInt8]) -> Int {
      let start = index
      while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
        index += 1
      }
      return index - start
    }
    guard digits(&index, bytes) > 0 else { throw failure("a number needs digits") }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard digits(&index, bytes) > 0 else { throw failure("a number needs digits after '.'") }
    }
    if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")
      {
        index += 1
      }
      guard digits(&index, bytes) > 0 else {
        throw failure("a number needs digits in its exponent")
      }
    }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  private mutating func string() throws(JSONSyntaxError) -> String {
    index += 1
    var text: [UInt8] = []
    while true {
      guard index < bytes.count else { throw failure("the JSON document ends inside a string") }
      let byte = bytes[index]
      if text.count > maxStringBytes {
        throw failure("a string is longer than \(maxStringBytes) bytes")
      }
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        guard let string = String(validating: text, as: UTF8.self) else {
          throw failure("a string is not valid UTF-8: save the feed as UTF-8")
        }
        return string
      case UInt8(ascii: "\\"):
        index += 1
        guard index < bytes.count else { throw failure("the JSON document ends inside a string") }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escape)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800...0xDBFF).contains(scalar), bytes[index...].starts(with: [0x5C, 0x75]) {
            index += 2
            let low = try hex4()
            if (0xDC00...0xDFFF).contains(low) {
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
              index -= 6  // not the low half: that escape is a character of its own
            }
          }
          // A lone surrogate has no character; it reads as U+FFFD.
          text.append(contentsOf: String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8)
        default:
          throw failure("'\\\(Unicode.Scalar(escape))' is not a JSON escape")
        }
      case 0x00..<0x20:
        throw failure("a string holds a raw control character: write it as \\n, \\t or \\u00XX")
      default:
        text.append(byte)
        index += 1
      }
    }
  }

  private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw failure("a \\u escape needs four hex digits") }
    var value: UInt32 = 0
    for byte in bytes[index..<index + 4] {
      guard let digit = Int(String(Unicode.Scalar(byte)), radix: 16) else {
        throw failure("a \\u escape needs four hex digits")
      }
      value = value << 4 | UInt32(digit)
    }
    index += 4
    return value
  }
}
