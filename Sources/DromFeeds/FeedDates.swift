import Foundation

/// Reads the dates feeds carry: RFC 3339 (Atom) and RFC 822 (RSS), with the broken forms CMSs
/// really emit. A date read from a broken form comes back with a note of what was assumed.
enum FeedDates {
  struct Parsed: Equatable {
    var date: Date
    /// What was assumed to read a broken form, for an `entry.date-repaired` note; nil if clean.
    var repair: String?
  }

  /// Reads any feed date: RFC 3339 first, then RFC 822.
  static func parse(_ text: String, expecting: Form) -> Parsed? {
    let trimmed = TextScanning.trim(text)
    switch expecting {
    case .rfc3339:
      if let parsed = rfc3339(trimmed) { return parsed }
      if var parsed = rfc822(trimmed) {
        parsed.repair = parsed.repair ?? "an RFC 822 date where RFC 3339 was expected"
        return parsed
      }
    case .rfc822:
      if let parsed = rfc822(trimmed) { return parsed }
      if var parsed = rfc3339(trimmed) {
        parsed.repair = parsed.repair ?? "an RFC 3339 date where RFC 822 was expected"
        return parsed
      }
    }
    return nil
  }

  enum Form {
    case rfc3339, rfc822

    var example: String {
      switch self {
      case .rfc3339: "2026-03-10T09:00:00+01:00"
      case .rfc822: "Tue, 10 Mar 2026 09:00:00 +0100"
      }
    }
  }

  // MARK: RFC 3339

  static func rfc3339(_ text: String) -> Parsed? {
    var scanner = ByteScanner(text)
    var repairs: [String] = []
    guard let year = scanner.digits(4), scanner.take(UInt8(ascii: "-")),
      let month = scanner.digits(2), scanner.take(UInt8(ascii: "-")),
      let day = scanner.digits(2)
    else { return nil }
    var hour = 0
    var minute = 0
    var second = 0.0
    var offset: Int? = 0
    if scanner.atEnd {
      return make(
        year, month, day, 0, 0, 0, offset: 0,
        repairs: ["a date without a time (read as midnight UTC)"])
    }
    if scanner.take(UInt8(ascii: "T")) || scanner.take(UInt8(ascii: "t")) {
    } else if scanner.take(UInt8(ascii: " ")) {
      repairs.append("a space instead of 'T'")
    } else {
      return nil
    }
    guard let h = scanner.digits(2), scanner.take(UInt8(ascii: ":")), let m = scanner.digits(2)
    else { return nil }
    hour = h
    minute = m
    if scanner.take(UInt8(ascii: ":")) {
      guard let s = scanner.digits(2) else { return nil }
      second = Double(s)
      if scanner.take(UInt8(ascii: ".")) || scanner.take(UInt8(ascii: ",")) {
        guard let fraction = scanner.fraction() else { return nil }
        second += fraction
      }
    } else {
      repairs.append("no seconds")
    }
    scanner.skipSpaces()
    if scanner.atEnd {
      offset = 0
      repairs.append("no time zone (read as UTC)")
    } else if scanner.take(UInt8(ascii: "Z")) || scanner.take(UInt8(ascii: "z")) {
      offset = 0
    } else {
      offset = scanner.numericOffset()
    }
    guard let offset, scanner.atEnd else { return nil }
    return make(year, month, day, hour, minute, second, offset: offset, repairs: repairs)
  }

  // MARK: RFC 822 (and RFC 1123 / 2822)

  static func rfc822(_ text: String) -> Parsed? {
    var scanner = ByteScanner(text)
    var repairs: [String] = []
    scanner.skipSpaces()
    // Optional day name, with or without its comma.
    if let word = scanner.peekWord(), !word.isEmpty, month(named: word) == nil {
      scanner.skipWord()
      _ = scanner.take(UInt8(ascii: ","))
      scanner.skipSpaces()
    }
    guard let day = scanner.number(maxDigits: 2) else { return nil }
    scanner.skipSeparators()
    guard let monthWord = scanner.peekWord(), let month = month(named: monthWord) else {
      return nil
    }
    scanner.skipWord()
    scanner.skipSeparators()
    guard var year = scanner.number(maxDigits: 4) else { return nil }
    if year < 100 {
      year += year < 50 ? 2000 : 1900
      repairs.append("a two-digit year")
    }
    scanner.skipSpaces()
    var hour = 0
    var minute = 0
    var second = 0
    if let h = scanner.number(maxDigits: 2) {
      guard scanner.take(UInt8(ascii: ":")), let m = scanner.number(maxDigits: 2) else {
        return nil
      }
      hour = h
      minute = m
      if scanner.take(UInt8(ascii: ":")) {
        guard let s = scanner.number(maxDigits: 2) else { return nil }
        second = s
      }
    } else {
      repairs.append("no time (read as midnight)")
    }
    scanner.skipSpaces()
    var offset = 0
    if scanner.atEnd {
      repairs.append("no time zone (read as UTC)")
    } else if let numeric = scanner.numericOffset() {
      offset = numeric
    } else if let word = scanner.peekWord() {
      scanner.skipWord()
      guard let named = zone(named: word) else { return nil }
      offset = named
    }
    scanner.skipSpaces()
    // Some servers append the zone's name in brackets: "+0100 (CET)".
    if scanner.take(UInt8(ascii: "(")) { scanner.skipToEnd() }
    guard scanner.atEnd else { return nil }
    return make(year, month, day, hour, minute, Double(second), offset: offset, repairs: repairs)
  }

  /// The month of an English name or its abbreviation ("Mar", "march"), by its first three
  /// letters; the words come from `ByteScanner.peekWord`, so they are ASCII letters.
  private static func month(named word: String) -> Int? {
    let utf8 = word.utf8
    guard utf8.count >= 3 else { return nil }
    let key = utf8.prefix(3).reduce(UInt32(0)) { $0 << 8 | UInt32($1 | 0x20) }
    guard let index = monthKeys.firstIndex(of: key) else { return nil }
    return index + 1
  }

  /// "jan" … "dec", each as its three lowercase ASCII bytes in one integer.
  private static let monthKeys: [UInt32] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  ].map { $0.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }

  private static func zone(named word: String) -> Int? {
    switch word.uppercased() {
    case "GMT", "UT", "UTC", "Z": 0
    case "EST": -5 * 3600
    case "EDT": -4 * 3600
    case "CST": -6 * 3600
    case "CDT": -5 * 3600
    case "MST": -7 * 3600
    case "MDT": -6 * 3600
    case "PST": -8 * 3600
    case "PDT": -7 * 3600
    case "CET": 3600
    case "CEST": 2 * 3600
    case "EET": 2 * 3600
    case "EEST": 3 * 3600
    case "WET": 0
    case "WEST": 3600
    case "BST": 3600
    default: nil
    }
  }

  private static func make(
    _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Double,
    offset: Int, repairs: [String]
  ) -> Parsed? {
    guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
      (0...24).contains(hour), (0...59).contains(minute), second >= 0, second < 61
    else { return nil }
    let days = daysFromCivil(year: year, month: month, day: day)
    let seconds =
      Double(days * 86_400 + hour * 3600 + minute * 60) + second - Double(offset)
    return Parsed(
      date: Date(timeIntervalSince1970: seconds),
      repair: repairs.isEmpty ? nil : repairs.joined(separator: ", "))
  }

  private static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
  private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}

/// A cursor over the ASCII bytes of a short string.
private struct ByteScanner {
  private let bytes: [UInt8]
  private var index = 0

  init(_ text: String) {
    bytes = Array(text.utf8)
  }

  var atEnd: Bool { index >= bytes.count }

  mutating func take(_ byte: UInt8) -> Bool {
    guard index < bytes.count, bytes[index] == byte else { return false }
    index += 1
    return true
  }

  mutating func skipSpaces() {
    while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
  }

  mutating func skipSeparators() {
    while index < bytes.count, [0x20, 0x09, UInt8(ascii: "-")].contains(bytes[index]) {
      index += 1
    }
  }

  mutating func skipToEnd() { index = bytes.count }

  /// Exactly `count` digits.
  mutating func digits(_ count: Int) -> Int? {
    guard index + count <= bytes.count else { return nil }
    var value = 0
    for offset in 0..<count {
      let byte = bytes[index + offset]
      guard (0x30...0x39).contains(byte) else { return nil }
      value = value * 10 + Int(byte - 0x30)
    }
    index += count
    return value
  }

  /// One to `maxDigits` digits.
  mutating func number(maxDigits: Int) -> Int? {
    var value = 0
    var taken = 0
    while taken < maxDigits, index < bytes.count, (0x30...0x39).contains(bytes[index]) {
      value = value * 10 + Int(bytes[index] - 0x30)
      index += 1
      taken += 1
    }
    return taken == 0 ? nil : value
  }

  mutating func fraction() -> Double? {
    var value = 0.0
    var scale = 0.1
    var taken = 0
    while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
      value += Double(bytes[index] - 0x30) * scale
      scale /= 10
      index += 1
      taken += 1
    }
    return taken == 0 ? nil : value
  }

  /// `+HH:MM`, `+HHMM` or `+HH`, as seconds east of UTC.
  mutating func numericOffset() -> Int? {
    guard index < bytes.count,
      bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")
    else { return nil }
    let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
    let start = index
    index += 1
    guard let hours = digits(2) else {
      index = start
      return nil
    }
    var minutes = 0
    if take(UInt8(ascii: ":")) {
      guard let m = digits(2) else { return nil }
      minutes = m
    } else if let m = digits(2) {
      minutes = m
    }
    return sign * (hours * 3600 + minutes * 60)
  }

  func peekWord() -> String? {
    var end = index
    while end < bytes.count,
      (0x41...0x5A).contains(bytes[end]) || (0x61...0x7A).contains(bytes[end])
    {
      end += 1
    }
    return end == index ? nil : String(decoding: bytes[index..<end], as: UTF8.self)
  }

  mutating func skipWord() {
    while index < bytes.count,
      (0x41...0x5A).contains(bytes[index]) || (0x61...0x7A).contains(bytes[index])
    {
      index += 1
    }
  }
}
