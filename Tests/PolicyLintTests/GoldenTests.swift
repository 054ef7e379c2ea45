import Foundation
import Testing
@testable import PolicyLint

/// Golden files: each input under testdata/ has its expected text report beside it
/// (`X.json` → `X.expected.txt`); the samples also have SARIF and JSON goldens.
/// Run `POLICYLINT_RECORD=1 swift test --filter Golden` to write them anew, then read the diff.
enum Golden {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var recording: Bool { ProcessInfo.processInfo.environment["POLICYLINT_RECORD"] == "1" }

    static func inputs(_ folder: String) -> [String] {
        let directory = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder + "/" + $0 }
    }

    static func lint(_ paths: [String], options: LintOptions = LintOptions()) throws -> RunResult {
        let linter = Linter(ruleSet: builtInRules, options: options)
        let reports = try paths.map { path in
            linter.lint(file: path, bytes: [UInt8](try Data(contentsOf: root.appendingPathComponent(path))))
        }
        return RunResult(files: reports, ruleSet: builtInRules, toolVersion: "0.0.0-test", runFindings: linter.runFindings(reports))
    }

    /// Compares with the golden file, or writes it when recording. The failure shows the first
    /// differing line of each.
    static func check(_ actual: String, against goldenPath: String) throws {
        let url = root.appendingPathComponent(goldenPath)
        if recording {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try #require(try? String(contentsOf: url, encoding: .utf8), "missing golden \(goldenPath); record it with POLICYLINT_RECORD=1")
        if expected != actual {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(e.count, a.count)).first { e[$0] != a[$0] } ?? min(e.count, a.count)
            Issue.record("""
                \(goldenPath) differs at line \(line + 1):
                  expected: \(line < e.count ? String(e[line]) : "<end>")
                  actual:   \(line < a.count ? String(a[line]) : "<end>")
                """)
        }
    }
}

@Suite("Golden reports")
struct GoldenTests {
    @Test("text report of each sample and seed example", arguments: Golden.inputs("testdata/samples") + Golden.inputs("testdata/seeds"))
    func textReport(_ path: String) throws {
        let run = try Golden.lint([path])
        try Golden.check(TextReporter(color: false).render(run), against: String(path.dropLast(5)) + ".expected.txt")
    }

    @Test func sarifReportOfTheSamples() throws {
        let run = try Golden.lint(Golden.inputs("testdata/samples"))
        try Golden.check(SarifReporter(baseURI: "file:///project/").render(run), against: "testdata/golden/samples.sarif")
    }

    @Test func jsonReportOfTheSamples() throws {
        let run = try Golden.lint(Golden.inputs("testdata/samples"))
        try Golden.check(JSONReporter().render(run), against: "testdata/golden/samples.findings.json")
    }

    @Test func githubReportOfTheSamples() throws {
        let run = try Golden.lint(Golden.inputs("testdata/samples"))
        try Golden.check(GitHubReporter().render(run), against: "testdata/golden/samples.github.txt")
    }

    @Test func junitReportOfTheSamples() throws {
        let run = try Golden.lint(Golden.inputs("testdata/samples"))
        try Golden.check(JUnitReporter().render(run), against: "testdata/golden/samples.junit.xml")
    }

    @Test func colourOnlyWhenAsked() throws {
        let run = try Golden.lint(["testdata/samples/web-policy.put.json"])
        #expect(!TextReporter(color: false).render(run).contains("\u{1B}"))
        #expect(TextReporter(color: true).render(run).contains("\u{1B}[1;33mwarning\u{1B}[0m"))
    }
}
