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

extension HTMLReportTests {
    static func suppressedRun() throws -> RunResult {
        let config = try ConfigurationTests.load(#"{"ignore": [{"paths": "**", "pointer": "/results/1", "reason": "vendor <default>"}]}"#)
        let linter = Linter(ruleSet: builtInRules)
        let reports = config.suppress(linter.lint(bundle: [(name: "a.json", bytes: Array(ConfigurationTests.twoPolicies.utf8))]),
                                      workingDirectory: "/project", today: ConfigurationTests.today, linter: linter)
        return RunResult(files: reports, ruleSet: builtInRules, toolVersion: "t")
    }

    /// The counters say what the table lists: suppressed findings are left out by default.
    @Test func suppressedFindingsAreLeftOutByDefault() throws {
        let run = try Self.suppressedRun()
        #expect(run.suppressedCount == 2 && run.count(.error) == 2)
        let html = HTMLReporter().render(run)
        #expect(html.components(separatedBy: "<tr data-level=").count - 1 == 2, "only the two live findings are listed")
        #expect(!html.contains("/results/1/"))
        #expect(!html.contains("vendor &lt;default&gt;"))
        #expect(html.contains("2 suppressed by the configuration, not listed (--show-suppressed lists them)"))
        #expect(html.contains(#"<b class="error">2</b>errors"#))
    }

    @Test func shownSuppressedFindingsAreMarkedAndCountedApart() throws {
        let run = try Self.suppressedRun()
        let html = HTMLReporter(showSuppressed: true).render(run)
        #expect(html.components(separatedBy: "<tr data-level=").count - 1 == 4)
        #expect(html.components(separatedBy: #"<tr data-level="suppressed" class="suppressed">"#).count - 1 == 2)
        #expect(html.components(separatedBy: #"<div class="why">suppressed by <code>.policylint.json:1</code>: vendor &lt;default&gt;</div>"#).count - 1 == 2)
        #expect(html.contains(#"<b class="suppressed">2</b>suppressed"#))
        #expect(html.contains(#"<b class="error">2</b>errors"#), "not counted as errors")
        #expect(html.contains("<option>suppressed</option>"))
    }

    @Test func theCommandPassesShowSuppressed() throws {
        let folder = try TemporaryFolder([
            ".policylint.json": #"{"ignore": [{"paths": "**", "pointer": "/results/1", "reason": "vendor default"}]}"#,
            "a.json": ConfigurationTests.twoPolicies,
        ])
        defer { folder.remove() }
        #expect(!(try CLI.run(["--format", "html", "a.json"], in: folder.url)).stdout.contains(#"class="why""#))
        #expect(try CLI.run(["--format", "html", "--show-suppressed", "a.json"], in: folder.url).stdout.contains("vendor default</div>"))
    }
}

extension HTMLReportTests {
    /// The audit report says which files were read as templates, as the text summary does: their
    /// placeholders were not judged. A run without templates says nothing of them.
    @Test func templatesAreNamed() {
        let template = Array(#"{"resource_type": "SecurityPolicy", "stateful": {{ stateful }}, "sequence_number": 5}"#.utf8)
        let plain = Array(#"{"resource_type": "SecurityPolicy", "sequence_number": 5}"#.utf8)
        let linter = Linter(ruleSet: builtInRules)
        let html = HTMLReporter().render(RunResult(files: [linter.lint(file: "p<1>.json.j2", bytes: template), linter.lint(file: "q.json", bytes: plain)],
                                                   ruleSet: builtInRules, toolVersion: "t"))
        #expect(html.contains("<div class=\"meta\">read as a template (placeholders and {% else %} branches not checked): p&lt;1&gt;.json.j2</div>"))
        let none = HTMLReporter().render(RunResult(files: [linter.lint(file: "q.json", bytes: plain)], ruleSet: builtInRules, toolVersion: "t"))
        #expect(!none.contains("read as"))
    }
}
