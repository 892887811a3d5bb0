import DromVocabulary
import Foundation
import Testing

private let vocabularies = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("Vocabularies").path

@Suite("Gazetteer")
struct GazetteerTests {
  let places = Gazetteer(directory: vocabularies)

  @Test("finds a city by its own name in any script, folded, within its country")
  func namesInAnyScript() throws {
    let goteborg = try #require(places.coordinates(of: "Göteborg", country: "SE"))
    #expect(abs(goteborg.latitude - 57.71) < 0.05 && abs(goteborg.longitude - 11.97) < 0.05)
    let athens = try #require(places.coordinates(of: "Αθήνα", country: "GR"))
    #expect(abs(athens.latitude - 37.98) < 0.05)
    #expect(places.coordinates(of: "Αθήνα", country: "EL") == athens)  // Eurostat's code
    #expect(
      places.coordinates(of: "Београд", country: "RS")
        == places.coordinates(of: "Beograd", country: "RS"))
    #expect(places.coordinates(of: "KØBENHAVN", country: "DK") != nil)
  }

  @Test("tries each name of a bilingual place; the country settles a shared name")
  func ambiguity() throws {
    let brussels = try #require(places.coordinates(of: "Bruxelles / Brussel", country: "BE"))
    #expect(abs(brussels.latitude - 50.85) < 0.05)
    let ragusaItaly = try #require(places.coordinates(of: "Ragusa", country: "IT"))
    #expect(abs(ragusaItaly.latitude - 36.93) < 0.05)
    // Dubrovnik's old name is Ragusa too, but not in Italy's row; and there is no Ragusa in Sweden.
    #expect(places.coordinates(of: "Ragusa", country: "SE") == nil)
    #expect(places.coordinates(of: "Atlantis", country: nil) == nil)
  }

  @Test("the operator's places-local.tsv adds a town the generated list is too coarse for")
  func localPlaces() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drom-gaz-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try "SE\t57.700\t11.900\t608462\tGothenburg|Göteborg\n".write(
      to: folder.appendingPathComponent("places.tsv"), atomically: true, encoding: .utf8)
    try "# moved by the operator\nSE\t58.000\t12.000\t\tGöteborg\nbroken line\n".write(
      to: folder.appendingPathComponent("places-local.tsv"), atomically: true, encoding: .utf8)
    let moved = try #require(
      Gazetteer(directory: folder.path).coordinates(of: "Goteborg", country: "se"))
    #expect(moved == Gazetteer.Coordinates(latitude: 58, longitude: 12))
    // The shipped local file places the sample network's smallest town.
    #expect(places.coordinates(of: "Chiaramonte Gulfi", country: "IT") != nil)
  }
}
