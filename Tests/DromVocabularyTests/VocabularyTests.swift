import DromFeeds
import DromModel
import DromVocabulary
import Foundation
import Testing

/// A small vocabulary in the shipped files' shape: enough labels to prove the behaviours.
private let skos = """
  <?xml version="1.0" encoding="UTF-8"?>
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:skos="http://www.w3.org/2004/02/skos/core#">
    <skos:ConceptScheme rdf:about="https://w3id.org/drom/vocab/target-groups">
      <skos:prefLabel xml:lang="en">Target groups</skos:prefLabel>
    </skos:ConceptScheme>
    <skos:Concept rdf:about="https://w3id.org/drom/vocab/target-groups/roma">
      <skos:inScheme rdf:resource="https://w3id.org/drom/vocab/target-groups"/>
      <skos:prefLabel xml:lang="en">Roma and Travellers</skos:prefLabel>
      <skos:prefLabel xml:lang="sr-Latn">Romi</skos:prefLabel>
      <skos:prefLabel xml:lang="da">Romaer</skos:prefLabel>
      <skos:altLabel xml:lang="es">gitanos</skos:altLabel>
      <skos:altLabel xml:lang="nl">Roma</skos:altLabel>
    </skos:Concept>
    <skos:Concept rdf:about="https://w3id.org/drom/vocab/target-groups/roma-youth">
      <skos:inScheme rdf:resource="https://w3id.org/drom/vocab/target-groups"/>
      <skos:broader rdf:resource="https://w3id.org/drom/vocab/target-groups/roma"/>
      <skos:prefLabel xml:lang="en">Roma youth</skos:prefLabel>
      <skos:prefLabel xml:lang="sr-Cyrl">Млади Роми</skos:prefLabel>
      <skos:altLabel xml:lang="es">jóvenes gitanos</skos:altLabel>
    </skos:Concept>
    <skos:Concept rdf:about="https://w3id.org/drom/vocab/target-groups/employers">
      <skos:inScheme rdf:resource="https://w3id.org/drom/vocab/target-groups"/>
      <skos:prefLabel xml:lang="en">Employers</skos:prefLabel>
      <skos:prefLabel xml:lang="nl">Werkgevers</skos:prefLabel>
      <skos:broader rdf:resource="https://w3id.org/drom/vocab/target-groups/nobody"/>
    </skos:Concept>
  </rdf:RDF>
  """

private func vocabulary() throws -> Vocabulary {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "drom-vocab-\(UUID())")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  try Data(skos.utf8).write(to: directory.appendingPathComponent("target-groups.rdf"))
  return try Vocabulary.load(directory: directory.path)
}

@Suite("Vocabularies")
struct VocabularyTests {
  @Test("A label is shown in the reader's language, then Serbian in the other script, then English")
  func labelFallback() throws {
    let vocabulary = try vocabulary()
    let youth = try #require(
      vocabulary.concepts["https://w3id.org/drom/vocab/target-groups/roma-youth"])
    #expect(vocabulary.label(youth, language: "sr-Cyrl") == "Млади Роми")
    #expect(vocabulary.label(youth, language: "sr-Latn") == "Млади Роми")
    #expect(vocabulary.label(youth, language: "de") == "Roma youth")
    #expect(LanguageFallback.chain(for: "sr-Cyrl") == ["sr-Cyrl", "sr-Latn", "sr", "en"])
  }

  @Test("Free-text categories map to concepts through labels in any language and case")
  func mapping() throws {
    let vocabulary = try vocabulary()
    var entry = Entry(id: "urn:1", kind: .practice, title: "Werk")
    entry.language = LanguageTag("nl")
    entry.categories = [
      Category(term: "ROMA"), Category(term: "Jóvenes Gitanos"), Category(term: "Werkgeverz"),
    ]
    let unmapped = vocabulary.tag(&entry)
    #expect(
      entry.concepts == [
        "https://w3id.org/drom/vocab/target-groups/roma",
        "https://w3id.org/drom/vocab/target-groups/roma-youth",
      ])
    #expect(entry.tags == ["Werkgeverz"])
    #expect(unmapped.first?.closest == ["https://w3id.org/drom/vocab/target-groups/employers"])
  }

  @Test("A tagged entry carries the broader concepts too")
  func broaderClosure() throws {
    let vocabulary = try vocabulary()
    var entry = Entry(id: "urn:1", kind: .practice, title: "Prakse")
    entry.audiences = ["https://w3id.org/drom/vocab/target-groups/roma-youth"]
    _ = vocabulary.tag(&entry)
    #expect(entry.concepts.contains("https://w3id.org/drom/vocab/target-groups/roma"))
    #expect(vocabulary.withDescendants("https://w3id.org/drom/vocab/target-groups/roma").count == 2)
  }

  @Test("A query is split into the concepts its words name, longest labels first")
  func queryConcepts() throws {
    let vocabulary = try vocabulary()
    let (groups, rest) = vocabulary.conceptsInQuery(
      ["empleo", "jóvenes", "gitanos"], languages: ["es"])
    #expect(groups == [["https://w3id.org/drom/vocab/target-groups/roma-youth"]])
    #expect(rest == ["empleo"])
  }

  @Test("The check reports missing labels, duplicates and dangling links")
  func check() throws {
    let diagnostics = VocabularyCheck.run(try vocabulary(), languages: ["en", "sv"])
    let codes = Set(diagnostics.map(\.code))
    #expect(codes == ["vocab.missing-label", "vocab.dangling-link"])
    #expect(diagnostics.contains { $0.message.contains("roma-youth has no prefLabel in sv") })
  }
}
