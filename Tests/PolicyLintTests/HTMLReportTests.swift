import Testing
@testable import PolicyLint

@Suite("HTML audit report")
struct HTMLReportTests {
    @Test func isSelfContainedEscapedAndComplete() throws {
        let hostile = #"{"resource_type": "SecurityPolicy", "category": "<script>alert(1)</script>", "display_name": "a\u001b[2Jb", "sequence_number": 1000000}"#
        let report = Linter(ruleSet: builtInRules).lint(file: "evil<&>.json", bytes: Array(hostile.utf8))
        let html = HTMLReporter().render(RunResult(files: [report], ruleSet: builtInRules, toolVersion: "t"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script>alert"), "input is escaped")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("evil&lt;&amp;&gt;.json"))
        #expect(!html.contains("\u{1B}"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src="), "no network")
        #expect(html.contains("<svg"), "charts are inline SVG")
        #expect(html.contains("nsx/sequence-range"))
        #expect(html.components(separatedBy: "<tr data-level=").count - 1 == report.findings.count)
    }
}
