import DromImport
import DromStore
import DromVocabulary
import Foundation

/// One kind of input that a partner or a user controls, as drom-fuzz and the regression tests
/// feed it. `scripts/fuzz` runs each for a fixed time; `Tests/Fixtures/fuzz/<name>/` keeps the
/// inputs that once broke something.
public enum FuzzTarget: String, CaseIterable, Sendable, CustomStringConvertible {
  /// A feed document as a partner's server sends it (Atom, RSS, RDF, JSON Feed), read whole and
  /// again in pieces.
  case feed
  /// Markup from a feed's content, through the HTML sanitiser.
  case html
  /// A search address's query string (`q=…&theme=…&raw=1&lang=sv`), through the parameters to
  /// a search of an index of the sample network.
  case search
  /// The OPML registry of partners.
  case opml
  /// A CSV sheet through `drom import`.
  case csv
  /// An XLSX workbook's bytes through `drom import`.
  case xlsx
  /// An XLSX workbook's parts (`name NUL content NUL …`) packed into a ZIP, through
  /// `drom import`: the fuzzer then mutates the XML itself, not its deflated bytes.
  case xlsxParts = "xlsx-parts"

  public var description: String { rawValue }
}

/// An invariant an input broke: not a crash, but as much a bug.
public struct FuzzFinding: Error, Sendable, CustomStringConvertible {
  public var target: FuzzTarget
  /// The invariant, in a few words.
  public var invariant: String
  public var detail: String
  /// The open bug this finding is an instance of, when it is one (see `KnownIssue`): drom-fuzz
  /// lets such inputs pass so that it finds other things, and the regression tests expect the
  /// issue until it is fixed.
  public var knownIssue: KnownIssue?

  public init(
    _ target: FuzzTarget, _ invariant: String, _ detail: String = "", knownIssue: KnownIssue? = nil
  ) {
    self.target = target
    self.invariant = invariant
    self.detail = detail
    self.knownIssue = knownIssue
  }

  public var description: String {
    "\(target): \(invariant)" + (detail.isEmpty ? "" : ": \(detail)")
      + (knownIssue.map { " (known issue: \($0.rawValue))" } ?? "")
  }
}

/// Bugs the fuzzer found that are not fixed yet, each recognised by the shape of its findings.
/// Remove a case once its bug is fixed: the regression tests then hold the invariant again.
public enum KnownIssue: String, Sendable {
  /// LibXMLErrors.swift, `xml.encoding`: the line and column are libxml2 2.9's, which for a
  /// byte that is not UTF-8 inside a CDATA section (where feeds keep their HTML) are those of
  /// the section's start, lines before the byte; read in pieces, they move again. A partner
  /// jumping to the line finds nothing wrong there.
  case encodingErrorMisplaced = "encoding-error-misplaced"
  /// libxml2 2.9's push parser takes the first `>` after `<!DOCTYPE` for its end, quotes or
  /// not: a system literal holding `>` (`<!DOCTYPE rss PUBLIC "" ">">`) cut at that `>` by a
  /// piece's end is "Unfinished System or Public ID", while the same bytes whole are read.
  /// So `drom validate` (256 KB pieces) and a harvest (whole) may disagree about such a feed.
  case doctypeLiteralSplit = "doctype-literal-split"
  /// HTMLSanitizer.Writer writes the elements libxml2's HTML parser reports, where it reports
  /// them. For broken markup that can be a list item inside a list item without a list between,
  /// or a link around block elements: read again, the parser closes the outer element early,
  /// and a block edge that separated two words in the text is gone from the HTML ("b c" read
  /// again is "bc"). Only white space differs; what is allowed and escaped does not. (A `p`
  /// inside a `p`, the commonest case, is closed before the inner one starts.)
  case reparseJoinsWords = "reparse-joins-words"
}

/// Runs inputs through the harnesses. Each target's fixtures (the vocabularies, the import
/// profile, an index of the sample network) are made once, by `prepare(for:)`; then `run` may
/// be called any number of times, from one thread at a time.
public final class FuzzHarness {
  /// A fixed "now", so consent checks and dates do not change with the calendar.
  public static let now = Date(timeIntervalSince1970: 1_795_392_000)  // 2026-11-23

  public let repository: URL
  /// Where the harness writes (the index, the sheet being imported); emptied by `removeFiles`.
  public let workDirectory: URL
  private var vocabulary: Vocabulary?
  private var importer: Importer?
  private var searchIndex: DromDatabase?

  /// - Parameters:
  ///   - repository: the repository's root: vocabularies, import profiles and the sample
  ///     network are read from it.
  ///   - workDirectory: a folder of the harness's own; made if missing.
  public init(repository: URL, workDirectory: URL) throws {
    self.repository = repository
    self.workDirectory = workDirectory
    try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
  }

  /// Makes what `target` needs; a second call for the same target does nothing.
  public func prepare(for target: FuzzTarget) async throws {
    switch target {
    case .feed, .html, .opml:
      return
    case .search:
      guard searchIndex == nil else { return }
      searchIndex = try await SearchHarness.index(
        repository: repository, vocabulary: try loadedVocabulary(),
        path: workDirectory.appendingPathComponent("index.sqlite").path)
    case .csv, .xlsx, .xlsxParts:
      guard importer == nil else { return }
      var profile = try ImportProfile.load(
        path: repository.appendingPathComponent("Importers/profiles/practices.yaml").path)
      // Without the columns of concept labels: suggesting the closest concepts for each label
      // the fuzzer garbles (an edit distance to every label of the vocabularies, each compare
      // instrumented) took nine tenths of the time, and the readers are what is fuzzed here.
      profile.columns["themes"] = nil
      profile.columns["target-groups"] = nil
      importer = Importer(profile: profile, vocabulary: try loadedVocabulary(), now: Self.now)
    }
  }

  /// Runs one input; throws a `FuzzFinding` when it breaks an invariant (a crash is a crash).
  public func run(_ target: FuzzTarget, _ input: Data) throws {
    switch target {
    case .feed:
      try FeedHarness.run(input)
    case .html:
      try HTMLHarness.run(input)
    case .search:
      guard let searchIndex, let vocabulary else { preconditionFailure("prepare(for: .search)") }
      try SearchHarness.run(input, index: searchIndex, vocabulary: vocabulary)
    case .opml:
      try OPMLHarness.run(input)
    case .csv, .xlsx, .xlsxParts:
      guard let importer else { preconditionFailure("prepare(for: .\(target))") }
      try SheetHarness.run(target, input, importer: importer, workDirectory: workDirectory)
    }
  }

  /// Deletes the work directory and what is in it.
  public func removeFiles() {
    try? FileManager.default.removeItem(at: workDirectory)
  }

  private func loadedVocabulary() throws -> Vocabulary {
    if let vocabulary { return vocabulary }
    let loaded = try Vocabulary.load(
      directory: repository.appendingPathComponent("Vocabularies").path)
    vocabulary = loaded
    return loaded
  }
}
