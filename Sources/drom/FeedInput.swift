import ArgumentParser
import DromFeeds
import DromModel
import Foundation

/// Reads the feeds named on the command line, from files (or `-` for standard input).
enum FeedInput {
  static func read(
    _ input: String, options: FeedReadOptions, onEntry: @escaping (Entry) -> Void
  ) async throws -> FeedReadResult {
    if input == "-" {
      let reader = FeedReader(file: "<stdin>", options: options, onEntry: onEntry)
      while let chunk = try FileHandle.standardInput.read(upToCount: 256 << 10), !chunk.isEmpty {
        reader.push(chunk)
      }
      return reader.finish()
    }
    if let scheme = input.split(separator: ":").first,
      ["http", "https"].contains(scheme.lowercased())
    {
      return try await RemoteFeed.read(input, options: options, onEntry: onEntry)
    }
    guard FileManager.default.isReadableFile(atPath: input) else {
      throw CommandFailure("cannot read '\(input)': no such file, or not readable")
    }
    return try FeedReader.stream(path: input, options: options, onEntry: onEntry)
  }
}

/// Options every feed-reading command shares.
struct FeedReadingOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Check consent as of this date (YYYY-MM-DD) instead of today.", valueName: "date"))
  var now: String?

  @Option(help: ArgumentHelp("Refuse documents larger than this many bytes.", valueName: "bytes"))
  var maxBytes: Int = ParserLimits().maxDocumentBytes

  func readOptions(documentURL: String? = nil) throws -> FeedReadOptions {
    var options = FeedReadOptions(documentURL: documentURL)
    options.limits.maxDocumentBytes = maxBytes
    if let now {
      guard let date = ISO8601DateFormatter.date(fromDay: now) else {
        throw ValidationError("--now '\(now)' is not a date: write it as 2026-11-23")
      }
      options.now = date
    }
    return options
  }
}

extension ISO8601DateFormatter {
  static func date(fromDay text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    return formatter.date(from: text)
  }
}

/// A day given to an option (`--now 2026-11-23`), or an error that says how to write it.
func day(_ text: String, option: String) throws -> Date {
  guard let date = ISO8601DateFormatter.date(fromDay: text) else {
    throw ValidationError("\(option) wants a date as yyyy-mm-dd, not '\(text)'")
  }
  return date
}

/// Output formats shared by the commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}

enum JSONOutput {
  static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
  }

  static func print(_ value: some Encodable) throws {
    let data = try encoder().encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
  }
}

/// A failure of the work itself (a file or server that cannot be read), as opposed to a
/// mistake in the command line: printed as `Error: …` with status 1, without the usage text.
struct CommandFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
