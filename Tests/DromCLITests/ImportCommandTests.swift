import Foundation
import Testing

@Suite("drom import and drom init-partner")
struct ImportCommandTests {
  let folder: URL = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-cli-import-\(UUID())")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }()

  @Test("writes a feed that validates; a failed import leaves the last feed as it was")
  func writesAndKeeps() throws {
    let feed = folder.appendingPathComponent("feed.xml").path
    let good = try drom([
      "import", "--profile", "Importers/profiles/practices.yaml",
      "Importers/samples/praktiker.xlsx",
      "--out", feed, "--now", "2026-12-01",
    ])
    #expect(good.status == 0, "\(good.stderr)")
    #expect(good.stderr.contains("8 rows read, 8 entries"))
    let written = try Data(contentsOf: URL(fileURLWithPath: feed))
    let validated = try drom(["validate", "--now", "2026-12-01", feed])
    #expect(validated.status == 0)
    #expect(validated.stdout.contains("8 entries (practice 8; sv 8), 0 errors, 0 warnings"))
    let bad = try drom([
      "import", "--profile", "Importers/profiles/practices.yaml",
      "Importers/samples/bad/fel-datum.csv", "--out", feed, "--now", "2026-12-01",
    ])
    #expect(bad.status == 1)
    #expect(
      bad.stderr.contains("fel-datum.csv: row 3, column L (Senast ändrad): error: import.bad-date"))
    #expect(bad.stderr.contains("no feed written"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: feed)) == written)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(leftovers == ["feed.xml"], "no temporary file left behind")
  }

  @Test("--dry-run lists what would be published and writes nothing")
  func dryRun() throws {
    let run = try drom([
      "import", "--profile", "Importers/profiles/contacts.yaml", "Importers/samples/contactos.csv",
      "--dry-run", "--now", "2026-12-01",
    ])
    #expect(run.status == 0)
    #expect(run.stdout.split(separator: "\n").count == 4)
    #expect(run.stdout.hasPrefix("person\tes\ttag:ssf.example.org,2026:person/"))
    #expect(run.stderr.contains("2 rows left out"))
    #expect(run.stderr.contains("dry run: nothing written"))
  }

  @Test("init-partner makes a folder whose template, once filled in, imports")
  func initPartner() throws {
    let partner = folder.appendingPathComponent("dominou")
    let made = try drom([
      "init-partner", "--name", "Asociația Dominou", "--lang", "ro", "--city", "Craiova",
      "--country", "RO", "--site", "https://dominou.example.org", "--out", partner.path,
    ])
    #expect(made.status == 0, "\(made.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: partner.path).sorted()
    #expect(files == ["README.txt", "practices.csv", "practices.xlsx", "profile.yaml"])
    // Fill in the CSV's one row under the header, then import it with the made profile.
    let csv = partner.appendingPathComponent("practices.csv")
    var text = try String(contentsOf: csv, encoding: .utf8)
    let columns = text.trimmingCharacters(in: .whitespacesAndNewlines).split(
      separator: text.contains(";") ? ";" : ","
    ).count
    var cells = Array(repeating: "", count: columns)
    cells[0] = "1"
    cells[1] = "Mediere pentru angajare"
    text += cells.joined(separator: text.contains(";") ? ";" : ",") + "\r\n"
    try Data(text.utf8).write(to: csv)
    let imported = try drom([
      "import", "--profile", partner.appendingPathComponent("profile.yaml").path, csv.path,
      "--dry-run",
    ])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stdout.contains("tag:dominou.example.org,"))
    #expect(imported.stdout.contains("Mediere pentru angajare"))
    // The workbook has the instructions first, then the sheet the profile reads.
    let xlsx = try drom([
      "import", "--profile", partner.appendingPathComponent("profile.yaml").path,
      partner.appendingPathComponent("practices.xlsx").path, "--dry-run",
    ])
    #expect(xlsx.status == 0)
    #expect(xlsx.stderr.contains("warning: import.no-rows"), "an empty template: \(xlsx.stderr)")
    // It never overwrites a folder that holds something.
    let again = try drom([
      "init-partner", "--name", "X", "--lang", "ro", "--city", "Craiova", "--country", "RO",
      "--out", partner.path,
    ])
    #expect(again.status != 0)
  }
}
