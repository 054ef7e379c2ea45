import Foundation
import Testing
@testable import PolicyLint

@Suite("Baseline")
struct BaselineTests {
    static let policy = """
        {
          "resource_type": "SecurityPolicy",
          "sequence_number": 1000000,
          "category": "Aplication",
          "rules": [{"resource_type": "Rule", "action": "DENY"}]
        }
        """

    static func lint(_ files: [(String, String)]) -> [FileReport] {
        Linter(ruleSet: builtInRules).lint(bundle: files.map { (name: $0.0, bytes: Array($0.1.utf8)) })
    }

    @Test func roundTripThroughTheFile() throws {
        let reports = Self.lint([("a.json", Self.policy)])
        #expect(reports[0].findings.count >= 3)
        let baseline = Baseline(reports: reports, folder: "/project", workingDirectory: "/project")
        let text = baseline.render()
        #expect(!text.contains("\"line\""), "never line numbers")
        #expect(text.contains(#""pointer": "/sequence_number""#))
        let loaded = try Baseline.load(file: "b.json", bytes: Array(text.utf8))
        #expect(loaded == baseline)
        let applied = loaded.apply(to: reports, folder: "/project", workingDirectory: "/project")
        #expect(applied.reports.flatMap(\.findings).isEmpty)
        #expect(applied.baselined == reports[0].findings.count)
        #expect(applied.gone.isEmpty)
    }

    @Test func aMovedLineStaysBaselinedANewFindingDoesNot() {
        let baseline = Baseline(reports: Self.lint([("a.json", Self.policy)]), folder: "/project", workingDirectory: "/project")
        // Lines moved: a new member above, the members reordered, the object reindented.
        let moved = """
            {
              "display_name": "web",
              "description": "a longer description that pushes everything down",
              "rules": [{"resource_type": "Rule",
                         "action": "DENY"}],
              "category": "Aplication",
              "resource_type": "SecurityPolicy",

              "sequence_number": 1000000,
              "stateful": "yes"
            }
            """
        let applied = baseline.apply(to: Self.lint([("a.json", moved)]), folder: "/project", workingDirectory: "/project")
        #expect(applied.reports.flatMap(\.findings).map { "\($0.ruleID) \($0.pointer)" } == ["schema/type /stateful"])
        #expect(applied.gone.isEmpty)
    }

    @Test func aChangedValueIsNewAndTheOldEntryIsGone() {
        let baseline = Baseline(reports: Self.lint([("a.json", Self.policy)]), folder: "/project", workingDirectory: "/project")
        let changed = Self.policy.replacing("1000000", with: "2000000")
        let applied = baseline.apply(to: Self.lint([("a.json", changed)]), folder: "/project", workingDirectory: "/project")
        #expect(applied.reports.flatMap(\.findings).map(\.ruleID) == ["nsx/sequence-range"])
        #expect(applied.gone.map(\.rule) == ["nsx/sequence-range"])
    }

    @Test func eachEntryAccountsForOneFinding() {
        let entry = Baseline.Entry(file: "a.json", rule: "r/x", pointer: "/a", valueHash: "1")
        func finding() -> Finding {
            var f = Finding(ruleID: "r/x", level: .error, message: "m", file: "a.json", pointer: "/a",
                            start: SourcePosition(line: 1, column: 1), end: SourcePosition(line: 1, column: 2), byteRange: 0..<1)
            f.valueHash = "1"
            return f
        }
        let report = FileReport(file: "a.json", byteCount: 1, findings: [finding(), finding()], checkedTypes: [:], uncheckedTypes: [:])
        let applied = Baseline(entries: [entry]).apply(to: [report], folder: "/p", workingDirectory: "/p")
        #expect(applied.reports[0].findings.count == 1)
        #expect(Baseline(entries: [entry, entry, entry]).apply(to: [report], folder: "/p", workingDirectory: "/p").gone == [entry])
    }

    @Test func onlyFilesOfTheRunAreJudgedGone() {
        let baseline = Baseline(reports: Self.lint([("a.json", Self.policy), ("b.json", Self.policy)]), folder: "/project", workingDirectory: "/project")
        let applied = baseline.apply(to: Self.lint([("a.json", Self.policy)]), folder: "/project", workingDirectory: "/project")
        #expect(applied.gone.isEmpty, "b.json was not linted in this run, so its entries are not gone")
    }

    @Test func pathsAreRelativeToTheBaselineFile() {
        // Written from the project root, read from a subfolder.
        let baseline = Baseline(reports: Self.lint([("sub/a.json", Self.policy)]), folder: "/project", workingDirectory: "/project")
        #expect(baseline.entries.allSatisfy { $0.file == "sub/a.json" })
        let applied = baseline.apply(to: Self.lint([("a.json", Self.policy)]), folder: "/project", workingDirectory: "/project/sub")
        #expect(applied.reports.flatMap(\.findings).isEmpty)
    }

    @Test func suppressedFindingsAreNotBaselined() {
        var reports = Self.lint([("a.json", Self.policy)])
        reports[0].findings[0].suppression = Suppression(reason: "r", source: "c:1")
        let baseline = Baseline(reports: reports, folder: "/p", workingDirectory: "/p")
        #expect(baseline.entries.count == reports[0].findings.count - 1)
    }

    /// An expired ignore's warning is what makes someone look again; in a baseline it would be
    /// silenced for good.
    @Test func configurationFindingsAreNeverBaselinedNorMatched() throws {
        let config = try ConfigurationTests.load(#"{"ignore": [{"paths": "**", "rules": ["schema/enum"], "reason": "r", "expires": "2001-01-01"}]}"#)
        let linter = Linter(ruleSet: builtInRules)
        let reports = config.suppress(Self.lint([("a.json", Self.policy)]), workingDirectory: "/project", today: ConfigurationTests.today, linter: linter)
        #expect(reports.flatMap(\.findings).contains { $0.ruleID == "config/expired-ignore" })
        let baseline = Baseline(reports: reports, folder: "/project", workingDirectory: "/project")
        #expect(!baseline.entries.isEmpty)
        #expect(!baseline.entries.contains { $0.rule.hasPrefix("config/") })
        // Nor does an entry for one (a hand-written baseline, or one from an older policylint) match.
        let configEntries = reports.flatMap(\.findings).filter { $0.ruleID.hasPrefix("config/") }.map {
            Baseline.Entry(file: ".policylint.json", rule: $0.ruleID, pointer: $0.pointer, valueHash: $0.valueHash)
        }
        let applied = Baseline(entries: baseline.entries + configEntries).apply(to: reports, folder: "/project", workingDirectory: "/project")
        #expect(applied.reports.flatMap(\.findings).map(\.ruleID) == ["config/expired-ignore"])
    }

    @Test(arguments: [
        (#"{"findings": []}"#, "1:1: a baseline needs \"version\": 1 (write one with --write-baseline FILE)"),
        (#"{"version": 2, "findings": []}"#, "1:13: a baseline needs \"version\": 1 (write one with --write-baseline FILE)"),
        (#"{"version": 1, "findings": [{"file": "a", "rule": "r", "pointer": ""}]}"#, "1:29: a baseline entry needs \"valueHash\""),
        (#"{"version": 1, "finding": []}"#, "1:16: unknown key 'finding' in a baseline (allowed: version, findings); did you mean 'findings'?"),
    ])
    func brokenBaselines(_ text: String, _ expected: String) {
        #expect(throws: ConfigurationError.self) { try Baseline.load(file: "b.json", bytes: Array(text.utf8)) }
        do { _ = try Baseline.load(file: "b.json", bytes: Array(text.utf8)) } catch let e as ConfigurationError {
            #expect(e.description == "b.json:" + expected)
        } catch {}
    }
}

@Suite("Baseline end to end", .serialized)
struct BaselineEndToEndTests {
    @Test func writeThenBaselineThenStrict() throws {
        let folder = try TemporaryFolder(["configs/a.json": BaselineTests.policy, "configs/b.json": BaselineTests.policy])
        defer { folder.remove() }
        let written = try CLI.run(["--write-baseline", "policylint-baseline.json", "configs"], in: folder.url)
        #expect(written.status == 0, "everything is in the baseline now")
        #expect(written.stderr.hasPrefix("policylint: wrote 6 findings to the baseline policylint-baseline.json"))
        #expect(written.stdout.contains("0 errors, 0 warnings, 0 notes in 2 files; 6 in the baseline"))
        let text = try folder.read("policylint-baseline.json")
        #expect(text.contains(#""file": "configs/a.json""#))

        // A moved line: still baselined. A new problem: reported.
        try folder.write("configs/a.json", "\n\n" + BaselineTests.policy.replacing("\"category\"", with: "\"stateful\": 1,\n  \"category\""))
        let moved = try CLI.run(["--baseline", "policylint-baseline.json", "configs"], in: folder.url)
        #expect(moved.status == 1)
        #expect(moved.stdout.hasPrefix("configs/a.json:6:15: error [schema/type]"))
        #expect(moved.stdout.contains("1 error, 0 warnings, 0 notes in 2 files (1 with findings); 6 in the baseline"))

        // Fixed: without --baseline-strict nothing to say; with it, exit 1 and which ones.
        try folder.write("configs/b.json", BaselineTests.policy.replacing("1000000", with: "10"))
        #expect(try CLI.run(["--baseline", "policylint-baseline.json", "configs/b.json"], in: folder.url).status == 0)
        let strict = try CLI.run(["--baseline", "policylint-baseline.json", "--baseline-strict", "configs/b.json"], in: folder.url)
        #expect(strict.status == 1)
        #expect(strict.stderr == """
            policylint: --baseline-strict: 1 finding of the baseline is gone (fixed, or changed so it no longer matches); write it anew with --write-baseline policylint-baseline.json so that it only shrinks:
              configs/b.json [nsx/sequence-range] /sequence_number

            """)
        #expect(try CLI.run(["--baseline-strict", "configs"], in: folder.url).status == 2, "--baseline-strict needs --baseline")
    }

    @Test func anExpiredIgnoreStaysReportedAfterWriteBaseline() throws {
        let folder = try TemporaryFolder([
            ".policylint.json": #"{"ignore": [{"paths": "**", "rules": ["schema/enum"], "reason": "r", "expires": "2001-02-03"}]}"#,
            "a.json": BaselineTests.policy,
        ])
        defer { folder.remove() }
        let written = try CLI.run(["--write-baseline", "b.json", "a.json"], in: folder.url)
        #expect(!(try folder.read("b.json")).contains("config/"))
        #expect(written.stdout.contains("warning [config/expired-ignore]"))
        let r = try CLI.run(["--baseline", "b.json", "--fail-on", "warning", "a.json"], in: folder.url)
        #expect(r.status == 1)
        #expect(r.stdout.contains(".policylint.json:1:81: warning [config/expired-ignore] this ignore expired on 2001-02-03"))
    }

    @Test func aBrokenBaselineExitsTwo() throws {
        let folder = try TemporaryFolder(["b.json": #"{"version": 1, "findings": [{"file": 1}]}"#, "a.json": "{}"])
        defer { folder.remove() }
        let r = try CLI.run(["--baseline", "b.json", "a.json"], in: folder.url)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("policylint: broken baseline: b.json:1:"))
    }
}
