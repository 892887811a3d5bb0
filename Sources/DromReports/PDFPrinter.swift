import Foundation

/// Prints an HTML document to PDF with headless chromium: the same engine the browser tests
/// use, so the PDF looks like the page's print preview (A4, the print stylesheet).
public enum PDFPrinter {
  public enum Problem: Error, CustomStringConvertible {
    case noBrowser
    case failed(status: Int32, output: String)
    case timedOut(seconds: Int)

    public var description: String {
      switch self {
      case .noBrowser:
        "PDF needs chromium, which is not installed. On Debian: sudo apt-get install -y chromium (or set DROM_CHROMIUM to a Chrome or Chromium binary); --format html gives the same document to print from any browser"
      case .failed(let status, let output):
        "chromium could not print the PDF (exit status \(status)): \(output.suffix(400))"
      case .timedOut(let seconds):
        "chromium did not finish printing within \(seconds) s; the document was not written"
      }
    }
  }

  /// The browser to print with: `DROM_CHROMIUM`, else the first of chromium's usual names on
  /// the PATH.
  public static func browser(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String?
  {
    if let chosen = environment["DROM_CHROMIUM"], !chosen.isEmpty { return chosen }
    let path = environment["PATH"] ?? "/usr/bin:/bin"
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
      for folder in path.split(separator: ":") {
        let candidate = "\(folder)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      }
    }
    return nil
  }

  /// Writes `html` to a private temporary file and prints it to `output`.
  public static func print(html: String, to output: URL, timeout: Int = 120) throws {
    guard let browser = browser() else { throw Problem.noBrowser }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-pdf-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    defer { try? FileManager.default.removeItem(at: folder) }
    let page = folder.appendingPathComponent("document.html")
    try Data(html.utf8).write(to: page)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: browser)
    process.arguments = [
      "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--no-pdf-header-footer",
      // Nothing in the document may fetch anything: it is complete as written.
      "--blink-settings=imagesEnabled=false",
      "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
      "--print-to-pdf=\(output.path)", page.absoluteString,
    ]
    let log = Pipe()
    process.standardOutput = log
    process.standardError = log
    try? FileManager.default.removeItem(at: output)
    try process.run()
    let deadline = Date().addingTimeInterval(Double(timeout))
    while process.isRunning && Date() < deadline { usleep(100_000) }
    if process.isRunning {
      process.terminate()
      throw Problem.timedOut(seconds: timeout)
    }
    let text = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: output.path)
    else { throw Problem.failed(status: process.terminationStatus, output: text) }
  }
}
