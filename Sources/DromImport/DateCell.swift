import DromModel
import Foundation

/// Dates as people type them into sheets, and as sheets store them. Read by hand, not by a
/// date formatter: a formatter costs a hundred times more, and a sheet has a date in every row.
enum DateCell {
  static func parse(_ text: String, monthFirst: Bool) -> Date? {
    let trimmed = text.trimmed()
    let scalars = Array(trimmed.utf8)
    // 2026-03-01, 2026-03-01T09:30, 2026-03-01T09:30:00, with Z or ±hh:mm after it.
    if scalars.count >= 10, scalars[4] == UInt8(ascii: "-"), scalars[7] == UInt8(ascii: "-"),
      let year = number(scalars[0..<4]), let month = number(scalars[5..<7]),
      let day = number(scalars[8..<10])
    {
      guard var seconds = CivilDate.seconds(year: year, month: month, day: day) else { return nil }
      var rest = scalars[10...]
      if rest.isEmpty { return Date(timeIntervalSince1970: Double(seconds)) }
      guard rest.first == UInt8(ascii: "T") || rest.first == UInt8(ascii: " ") else { return nil }
      rest = rest.dropFirst()
      guard rest.count >= 5, rest[rest.startIndex + 2] == UInt8(ascii: ":"),
        let hour = number(rest.prefix(2)), let minute = number(rest.dropFirst(3).prefix(2)),
        hour < 24, minute < 60
      else { return nil }
      seconds += hour * 3600 + minute * 60
      rest = rest.dropFirst(5)
      if rest.first == UInt8(ascii: ":") {
        guard let second = number(rest.dropFirst().prefix(2)), second < 61 else { return nil }
        seconds += second
        rest = rest.dropFirst(3)
        if rest.first == UInt8(ascii: ".") {
          rest = rest.drop { $0 == UInt8(ascii: ".") || (48...57).contains($0) }
        }
      }
      if rest.isEmpty || rest.elementsEqual("Z".utf8) {
        return Date(timeIntervalSince1970: Double(seconds))
      }
      guard rest.count == 6, rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-"),
        let offsetHours = number(rest.dropFirst().prefix(2)),
        let offsetMinutes = number(rest.suffix(2))
      else { return nil }
      let offset = offsetHours * 3600 + offsetMinutes * 60
      return Date(
        timeIntervalSince1970: Double(
          seconds + (rest.first == UInt8(ascii: "+") ? -offset : offset)))
    }
    // 1.3.2026, 01/03/2026, 1-3-2026, 15.04.2026. (day first unless the profile says otherwise).
    let parts = trimmed.split(whereSeparator: { ".-/".contains($0) })
    guard parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), var year = Int(parts[2])
    else { return nil }
    if parts[2].count == 2 { year += 2000 }
    let (day, month) = monthFirst ? (b, a) : (a, b)
    return CivilDate.seconds(year: year, month: month, day: day).map {
      Date(timeIntervalSince1970: Double($0))
    }
  }

  private static func number(_ digits: some Collection<UInt8>) -> Int? {
    guard !digits.isEmpty else { return nil }
    var value = 0
    for digit in digits {
      guard (48...57).contains(digit) else { return nil }
      value = value * 10 + Int(digit - 48)
    }
    return value
  }
}
