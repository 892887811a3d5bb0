import Foundation
import Testing

@Suite("The bundled sample network")
struct SampleNetworkTests {
  @Test(
    "harvests with no failure, and a search across partners finds Roma practices in several cities")
  func harvestAndSearch() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-sample-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let index = directory.appendingPathComponent("index.sqlite").path
    let harvest = try drom([
      "harvest", "--registry", "docs/sample-network/registry.opml", "--db", index,
    ])
    #expect(harvest.status == 0, "\(harvest.stdout)\(harvest.stderr)")
    #expect(harvest.stdout.contains(" 0 failed"))
    let again = try drom([
      "harvest", "--registry", "docs/sample-network/registry.opml", "--db", index,
    ])
    #expect(again.stdout.contains("0 added, 0 changed, 0 deleted"))

    let search = try drom([
      "search", "Roma", "--kind", "practice", "--format", "json", "--db", index,
    ])
    let results = try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as! [String: Any]
    let cities = (results["facets"] as! [String: [[String: Any]]])["city"]!.map {
      $0["value"] as! String
    }
    #expect(cities.count >= 3, "\(cities)")
    #expect(
      (results["hits"] as! [[String: Any]]).allSatisfy { $0["kind"] as? String == "practice" })
  }
}
