import Foundation
import Testing
@testable import PolicyLint

@Suite("Fixes")
struct FixTests {
    let fixer = Fixer(ruleSet: builtInRules, options: LintOptions())

    func fixed(_ text: String) throws -> String {
        guard case .fixed(let bytes, _) = fixer.fix(file: "f.json", bytes: Array(text.utf8)) else {
            Issue.record("expected fixes")
            return text
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func anExportedPolicyBecomesAnAuthoredBodyThatDiffersOnlyByRemovedFields() throws {
        let url = Golden.root.appendingPathComponent("testdata/fix/exported-policy.json")
        let original = try String(contentsOf: url, encoding: .utf8)
        let result = try fixed(original)
        // Accepted as a PUT body: no read-only field left, _revision kept.
        let report = Linter(ruleSet: builtInRules, options: LintOptions(mode: .authored)).lint(file: "f.json", bytes: Array(result.utf8))
        // (Notes on the rules' hygiene, such as an unlogged ALLOW from anywhere, are no reason to reject it.)
        let rejected = report.findings.filter { !$0.ruleID.hasPrefix("rulebase/") }
        #expect(rejected.isEmpty, "\(rejected.map { "\($0.ruleID) \($0.message)" })")
        #expect(result.contains(#""_revision": 3"#) && result.contains(#""_revision": 0"#))
        // Every remaining line is an original line, in order: only whole fields were removed.
        let kept = result.split(separator: "\n", omittingEmptySubsequences: false)
        var originalLines = original.split(separator: "\n", omittingEmptySubsequences: false)[...]
        for line in kept {
            guard let index = originalLines.firstIndex(of: line) else { Issue.record("line not in the original: \(line)"); break }
            originalLines = originalLines[(index + 1)...]
        }
        #expect(!result.contains("_create_user") && !result.contains("\"path\"") && !result.contains("is_default"))
    }

    @Test func minifiedInputKeepsItsShape() throws {
        #expect(try fixed(#"{"resource_type":"SecurityPolicy","_create_user":"admin","id":"a","_revision":1}"#)
                == #"{"resource_type":"SecurityPolicy","id":"a","_revision":1}"#)
        #expect(try fixed(#"{"resource_type": "SecurityPolicy", "id": "a", "_create_user": "admin"}"#)
                == #"{"resource_type": "SecurityPolicy", "id": "a"}"#)
    }

    @Test func enumValuesOffOnlyByCaseAreCorrected() throws {
        #expect(try fixed(#"{"resource_type": "SecurityPolicy", "category": "application", "connectivity_preference": "allowlist", "scope": ["/g"]}"#)
                == #"{"resource_type": "SecurityPolicy", "category": "Application", "connectivity_preference": "ALLOWLIST", "scope": ["/g"]}"#)
        // A near miss is a guess, not a safe fix.
        #expect(fixer.fix(file: "f.json", bytes: Array(#"{"resource_type": "SecurityPolicy", "category": "Aplication"}"#.utf8)) == .unchanged)
    }

    @Test func aFileWithSyntaxErrorsIsNeverTouched() {
        let outcome = fixer.fix(file: "f.json", bytes: Array(#"{"resource_type": "SecurityPolicy", "_create_user": "a",}"#.utf8))
        guard case .refused = outcome else { Issue.record("expected a refusal, got \(outcome)"); return }
    }

    @Test func theCommandWritesOnlyWithInPlaceAndAtomically() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policylint-fix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("p.json")
        let original = #"{"resource_type": "SecurityPolicy", "_create_user": "admin", "psk": "hunter2hunter2"}"#
        try original.write(to: file, atomically: true, encoding: .utf8)
        let dry = try CLI.run(["fix", file.path])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("remove '_create_user'"))
        #expect(!dry.stdout.contains("hunter2"), "fix output never shows the file's content")
        #expect(try String(contentsOf: file, encoding: .utf8) == original)
        let applied = try CLI.run(["fix", "--in-place", file.path])
        #expect(applied.status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8) == #"{"resource_type": "SecurityPolicy", "psk": "hunter2hunter2"}"#)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(leftovers == ["p.json"], "no temporary file left behind")
    }

    @Test func sarifCarriesTheFix() {
        let report = Linter(ruleSet: builtInRules, options: LintOptions(mode: .authored))
            .lint(file: "p.json", bytes: Array(#"{"resource_type": "SecurityPolicy", "rule_count": 1}"#.utf8))
        let sarif = SarifReporter().render(RunResult(files: [report], ruleSet: builtInRules, toolVersion: "t"))
        #expect(sarif.contains(#""fixes": ["#))
        #expect(sarif.contains(#""startColumn": 35"#))
    }
}
