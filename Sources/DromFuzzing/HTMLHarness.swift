import DromFeeds
import Foundation

/// Partner markup through the sanitiser. The output must hold only allowlisted elements and
/// attributes, safe links and balanced tags; the text must not depend on whether the HTML is
/// kept; and sanitising the output again must find nothing dangerous and give the same text.
/// (Not the same markup: headings move two levels down at each pass.)
enum HTMLHarness {
  static let base = "https://partner.example.org/news/item.html"

  static func run(_ input: Data) throws(FuzzFinding) {
    let markup = String(decoding: input, as: UTF8.self)
    let result = HTMLSanitizer.sanitize(markup, base: base)
    if let problem = SafeHTML.problem(in: result.html) {
      throw FuzzFinding(.html, "the output is allowlisted, safe and balanced", problem)
    }
    let textOnly = HTMLSanitizer.sanitize(markup, base: base, keepingHTML: false)
    guard textOnly.html.isEmpty, textOnly.text == result.text, textOnly.removed == result.removed
    else {
      throw FuzzFinding(
        .html, "text and removals do not depend on keeping the HTML",
        "with HTML: \(String(reflecting: result.text)) \(result.removed); without: \(String(reflecting: textOnly.text)) \(textOnly.removed)"
      )
    }
    let again = HTMLSanitizer.sanitize(result.html, base: base)
    guard again.removed.isEmpty else {
      throw FuzzFinding(
        .html, "sanitised output holds nothing to remove",
        "\(again.removed) in \(String(reflecting: result.html))")
    }
    if let problem = SafeHTML.problem(in: again.html) {
      throw FuzzFinding(.html, "re-sanitised output is allowlisted, safe and balanced", problem)
    }
    guard again.text == result.text else {
      let onlySpaces =
        again.text.filter { !$0.isWhitespace } == result.text.filter { !$0.isWhitespace }
      throw FuzzFinding(
        .html, "sanitising the output again keeps its text",
        "\(String(reflecting: result.text)) became \(String(reflecting: again.text)) (from \(String(reflecting: result.html)))",
        knownIssue: onlySpaces ? .reparseJoinsWords : nil)
    }
  }
}
