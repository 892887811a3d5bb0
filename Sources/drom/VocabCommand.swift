import ArgumentParser
import DromModel
import DromVocabulary
import Foundation

/// Where the SKOS vocabularies live, for every command that uses them.
struct VocabularyOption: ParsableArguments {
  @Option(help: ArgumentHelp("The folder of SKOS vocabularies (.rdf).", valueName: "dir"))
  var vocabularies: String = "Vocabularies"

  /// The vocabularies, or none (with a note) when the folder is missing.
  func load(required: Bool = false) throws -> Vocabulary {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: vocabularies, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      if required {
        throw ValidationError(
          "there is no vocabulary folder at '\(vocabularies)': give it with --vocabularies")
      }
      printError(
        "note: no vocabulary folder at '\(vocabularies)'; categories are kept as plain tags")
      return .empty
    }
    return try Vocabulary.load(directory: vocabularies)
  }
}

struct Vocab: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check or show the SKOS vocabularies (themes, target groups, grounds, …).",
    subcommands: [Check.self, Show.self])

  struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Report missing labels per language, duplicate labels and dangling links.",
      discussion: "Exits with status 1 when any is found.")

    @OptionGroup var source: VocabularyOption

    @Option(
      parsing: .upToNextOption,
      help: ArgumentHelp("The languages every concept needs a label in.", valueName: "tags"))
    var languages: [String] = VocabularyCheck.partnerLanguages

    func run() async throws {
      let vocabulary = try source.load(required: true)
      let diagnostics = VocabularyCheck.run(vocabulary, languages: languages)
      for diagnostic in diagnostics { print(diagnostic.compilerStyle) }
      print(
        "\(vocabulary.schemes.count) schemes, \(vocabulary.concepts.count) concepts, \(languages.count) languages: \(diagnostics.errorCount) errors"
      )
      if diagnostics.hasErrors { throw ExitCode(1) }
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print a scheme as a tree, labelled in one language.")

    @Argument(help: "The scheme: its URI or its last word (themes, target-groups, grounds, …).")
    var scheme: String

    @Option(help: ArgumentHelp("The language of the labels (BCP 47).", valueName: "tag"))
    var lang: String = "en"

    @OptionGroup var source: VocabularyOption

    func run() async throws {
      let vocabulary = try source.load(required: true)
      guard
        let uri = vocabulary.schemes.keys.first(where: {
          $0 == scheme || $0.split(separator: "/").last.map(String.init) == scheme
        })
      else {
        let known = vocabulary.schemes.keys.compactMap { $0.split(separator: "/").last }.sorted()
        throw ValidationError(
          "no scheme '\(scheme)': the schemes are \(known.joined(separator: ", "))")
      }
      let schemeLabel =
        vocabulary.schemes[uri].flatMap { LanguageFallback.pick(from: $0.prefLabels, for: lang) }
        ?? uri
      print("\(schemeLabel)  <\(uri)>")
      for (concept, depth) in vocabulary.tree(of: uri) {
        print(
          String(repeating: "  ", count: depth + 1)
            + "\(vocabulary.label(concept, language: lang))  (\(concept.term))")
      }
    }
  }
}
