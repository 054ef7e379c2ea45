import Foundation
import Testing
@testable import PolicyLint

/// `discovery/nothing-checked`: a run in which no file held an object a rule pack checks says so,
/// once for the run, in every format, and the configuration or --fail-on can make it fail.
@Suite("Run findings")
struct RunFindingTests {
    static let unknown = #"{"hello": "world"}"#
    static let policy = #"{"resource_type": "SecurityPolicy", "display_name": "web"}"#

    static func run(_ files: [(String, String)], levels: [String: Level?] = [:]) -> RunResult {
        var options = LintOptions()
        options.levels = levels
        let linter = Linter(ruleSet: builtInRules, options: options)
        let reports = linter.lint(bundle: files.map { (name: $0.0, bytes: Array($0.1.utf8)) })
        return RunResult(files: reports, ruleSet: builtInRules, toolVersion: "t", runFindings: linter.runFindings(reports))
    }

    static let nothingChecked = run([("a.json", unknown), ("b.json", #"{"x": 1"#), ("c.json", #"{"resource_type": "NoSuchType"}"#)])

    @Test func aRunThatCheckedNothingSaysWhy() throws {
        let f = try #require(Self.nothingChecked.runFindings.first)
        #expect(Self.nothingChecked.runFindings.count == 1)
        #expect(f.ruleID == "discovery/nothing-checked" && f.level == .warning)
        #expect(f.message == "no NSX or SPS object was checked in 3 files (1 holds no object policylint recognises, 1 holds only objects of types no rule pack checks, 1 has JSON syntax errors), so this run says nothing about them; a bare body's kind can be named with --kind or the configuration's \"kinds\"")
        #expect(Self.nothingChecked.count(.warning) == 1, "counted with the other warnings")
    }

    @Test func oneCheckedObjectAnywhereIsEnough() {
        #expect(Self.run([("a.json", Self.unknown), ("b.json", Self.policy)]).runFindings.isEmpty)
    }

    @Test func theConfigurationSetsItsLevelOrTurnsItOff() {
        let raised = Self.run([("a.json", Self.unknown)], levels: ["discovery/nothing-checked": Level.error])
        let levels: [Level] = raised.runFindings.map(\.level)
        #expect(levels == [.error])
        let off = Self.run([("a.json", Self.unknown)], levels: ["discovery/nothing-checked": Level?.none])
        #expect(off.runFindings.isEmpty)
    }

    @Test func text() {
        let text = TextReporter(color: false).render(Self.nothingChecked)
        #expect(text.contains("\npolicylint: warning [discovery/nothing-checked] no NSX or SPS object was checked in 3 files ("))
        #expect(text.contains("\n\n1 error, 1 warning, 2 notes in 3 files (2 with findings)\n"))
        // Alone, with nothing else to show, it still stands apart from the summary.
        let alone = TextReporter(color: false).render(Self.run([("a.json", Self.unknown)], levels: ["discovery/unknown-document": Level?.none]))
        #expect(alone.hasPrefix("policylint: warning [discovery/nothing-checked] no NSX or SPS object was checked in 1 file (1 holds no object policylint recognises), so this run says nothing about it"))
        #expect(alone.contains("\n\n0 errors, 1 warning, 0 notes in 1 file\n"))
    }

    @Test func json() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(JSONReporter().render(Self.nothingChecked).utf8)) as? [String: Any])
        let array = try #require(object["findings"] as? [[String: Any]])
        let last = try #require(array.last)
        #expect(last["rule"] as? String == "discovery/nothing-checked")
        #expect(last["level"] as? String == "warning")
        for key in ["file", "line", "column", "endLine", "endColumn", "pointer"] { #expect(last[key] is NSNull, "\(key) is null") }
        #expect(Set(last.keys) == Set(array[0].keys), "the same keys as any finding")
    }

    @Test func github() {
        let out = GitHubReporter().render(Self.nothingChecked)
        #expect(out.hasPrefix("::warning title=discovery/nothing-checked::no NSX or SPS object was checked in 3 files"), "an annotation with no file")
        #expect(out.hasSuffix("policylint: 1 error, 1 warning, 2 notes in 3 files\n"))
    }

    @Test func junitFailsOnlyAtTheFailLevel() {
        let passing = JUnitReporter(failLevel: .error).render(Self.nothingChecked)
        #expect(passing.contains(#"<testsuite name="policylint run" tests="1" failures="0""#))
        #expect(passing.contains(#"<testcase name="discovery/nothing-checked" classname="policylint run"><system-out>policylint: warning [discovery/nothing-checked] no NSX"#))
        let failing = JUnitReporter(failLevel: .warning).render(Self.nothingChecked)
        #expect(failing.contains(#"<testsuite name="policylint run" tests="1" failures="1""#))
        #expect(failing.contains(#"<failure message="no NSX or SPS object was checked in 3 files"#))
    }

    @Test func html() {
        let html = HTMLReporter().render(Self.nothingChecked)
        #expect(html.contains(#"<div class="run-finding"><b class="warning">warning</b> <code>discovery/nothing-checked</code> no NSX or SPS object was checked in 3 files"#))
        #expect(html.contains(#"<tr data-level="warning"><td class="meta">(the run)</td>"#))
        #expect(html.contains(#"<b class="warning">1</b>warning"#), "the counter agrees with the table")
    }

    /// GitHub code scanning rejects a whole SARIF file for one result without a location
    /// (github/codeql-action#1738), so the run's finding is a tool notification, not a result.
    @Test func sarifCarriesItAsAToolNotification() throws {
        let sarif = SarifReporter().render(Self.nothingChecked)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(!results.contains { $0["ruleId"] as? String == "discovery/nothing-checked" })
        #expect(results.allSatisfy { ($0["locations"] as? [Any])?.isEmpty == false })
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == true)
        let notification = try #require((invocation["toolExecutionNotifications"] as? [[String: Any]])?.first)
        #expect(notification["level"] as? String == "warning")
        #expect(((notification["message"] as? [String: Any])?["text"] as? String)?.hasPrefix("no NSX or SPS object was checked in 3 files") == true)
        let rule = try #require(notification["associatedRule"] as? [String: Any])
        #expect(rule["id"] as? String == "discovery/nothing-checked")
        // The index of the rule in the log's own list, which holds the rules the log names.
        let driverRules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let index = try #require(rule["index"] as? Int)
        #expect(driverRules[index]["id"] as? String == "discovery/nothing-checked")
        guard SarifSchemaTests.validatorAvailable else {
            #expect(!SarifSchemaTests.required, "python3 with jsonschema is required here (pip install jsonschema)")
            return
        }
        let errors = try SarifSchemaTests.schemaErrors(sarif)
        #expect(errors == nil, "SARIF does not validate:\n\(errors ?? "")")
    }
}

@Suite("Run findings end to end", .serialized)
struct RunFindingEndToEndTests {
    @Test func aWarningByDefaultThatTheConfigurationOrFailOnTurnsIntoAFailure() throws {
        let folder = try TemporaryFolder(["configs/a.json": RunFindingTests.unknown, "configs/b.json": "{\"x\": 1,}"])
        defer { folder.remove() }
        let plain = try CLI.run(["configs"], in: folder.url)
        #expect(plain.status == 1, "b.json's syntax error fails by itself")
        #expect(plain.stdout.contains("policylint: warning [discovery/nothing-checked] no NSX or SPS object was checked in 2 files (1 holds no object policylint recognises, 1 has JSON syntax errors)"))

        try folder.write("configs/b.json", "{\"x\": 1}")
        let warned = try CLI.run(["configs"], in: folder.url)
        #expect(warned.status == 0)
        #expect(warned.stdout.contains("policylint: warning [discovery/nothing-checked] no NSX or SPS object was checked in 2 files (2 hold no object policylint recognises), so this run says nothing about them"))
        // Found by walking a folder and holding no object, both are skipped, not notes.
        #expect(warned.stdout.hasSuffix("0 errors, 1 warning, 0 notes in 0 files\nskipped: 2 files hold no NSX or SPS object: configs/a.json, configs/b.json\n"))
        #expect(try CLI.run(["--fail-on", "warning", "configs"], in: folder.url).status == 1)

        try folder.write(".policylint.json", #"{"rules": {"discovery/nothing-checked": "error"}}"#)
        let failed = try CLI.run(["configs"], in: folder.url)
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("policylint: error [discovery/nothing-checked]"))

        try folder.write(".policylint.json", #"{"rules": {"discovery/nothing-checked": "off"}}"#)
        let off = try CLI.run(["--fail-on", "warning", "configs"], in: folder.url)
        #expect(off.status == 0 && !off.stdout.contains("nothing-checked"))
    }

    @Test func notReportedWhenSomethingWasChecked() throws {
        let r = try CLI.run(["-"], stdin: RunFindingTests.policy)
        #expect(r.status == 0 && !r.stdout.contains("nothing-checked"))
    }
}
