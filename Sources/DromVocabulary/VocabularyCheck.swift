import DromModel

/// What `drom vocab check` verifies: every concept labelled in every partner language, no
/// duplicate labels within a scheme, no dangling links.
public enum VocabularyCheck {
  /// The partner languages every concept needs a preferred label in.
  public static let partnerLanguages = [
    "en", "nl", "fr", "de", "sv", "da", "es", "it", "el", "ro", "hu", "bg", "sr-Latn", "sr-Cyrl",
  ]

  public static func run(_ vocabulary: Vocabulary, languages: [String] = partnerLanguages)
    -> [Diagnostic]
  {
    var diagnostics = vocabulary.diagnostics
    func add(_ severity: Diagnostic.Severity, _ code: String, _ concept: Concept, _ message: String)
    {
      diagnostics.append(
        Diagnostic(
          location: SourceLocation(file: concept.file, line: concept.line, column: 1),
          severity: severity, code: code, message: message))
    }
    var seen: [String: String] = [:]  // scheme|language|label → concept
    for concept in vocabulary.concepts.values.sorted(by: { ($0.file, $0.line) < ($1.file, $1.line) }
    ) {
      if vocabulary.schemes[concept.scheme] == nil {
        add(
          .error, "vocab.unknown-scheme", concept,
          "\(concept.uri) is in the scheme \(concept.scheme), which no file declares")
      }
      let missing = languages.filter { concept.prefLabels[$0] == nil }
      if !missing.isEmpty {
        add(
          .error, "vocab.missing-label", concept,
          "\(concept.uri) has no prefLabel in \(missing.joined(separator: ", "))")
      }
      for (language, label) in concept.prefLabels {
        let key = concept.scheme + "|" + language + "|" + label.lowercased()
        if let other = seen[key] {
          add(
            .error, "vocab.duplicate-label", concept,
            "\(concept.uri) and \(other) share the \(language) label '\(label)'")
        }
        seen[key] = concept.uri
      }
      for target in concept.broader where vocabulary.concepts[target] == nil {
        add(
          .error, "vocab.dangling-link", concept,
          "\(concept.uri) has broader \(target), which is no concept here")
      }
    }
    for scheme in vocabulary.schemes.values.sorted(by: { $0.uri < $1.uri }) {
      let missing = languages.filter { scheme.prefLabels[$0] == nil }
      if !missing.isEmpty {
        diagnostics.append(
          Diagnostic(
            location: SourceLocation(file: scheme.file, line: 1, column: 1), severity: .error,
            code: "vocab.missing-label",
            message:
              "the scheme \(scheme.uri) has no prefLabel in \(missing.joined(separator: ", "))"))
      }
    }
    return diagnostics
  }
}
