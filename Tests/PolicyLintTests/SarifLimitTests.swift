import Foundation
import Testing
@testable import PolicyLint
@testable import policylint

/// GitHub code scanning rejects a SARIF run with more than 25,000 results ("SARIF support for
/// code scanning", https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
@Suite("SARIF result limit")
struct SarifLimitTests {
    /// One file of 30,000 small policies, each with one finding: 20,000 errors, 4,000 warnings
    /// and 6,000 notes (the last two levels configured), interleaved so that report order is
    /// not severity order.
    static let large: RunResult = {
        let error = #"{"resource_type": "SecurityPolicy", "sequence_number": 1000000}"#
        let warning = #"{"resource_type": "SecurityPolicy", "category": "Aplication"}"#
        let note = #"{"resource_type": "SecurityPolicy", "logging_enabled": true}"#
        // Three blocks of ten: 20 errors, 4 warnings and 6 notes, a note first.
        let seven = [note, error, error, error, warning, error, error, error, note, error]
        let six = [note, error, error, warning, error, error, warning, error, note, error]
        let objects = (0..<3_000).flatMap { i in i % 3 == 2 ? six : seven }
        var options = LintOptions()
        options.levels = ["schema/enum": .warning, "schema/deprecated": .note]
        let linter = Linter(ruleSet: builtInRules, options: options)
        let text = "{\"results\": [\n" + objects.joined(separator: ",\n") + "\n]}\n"
        return RunResult(files: [linter.lint(file: "large.json", bytes: Array(text.utf8))], ruleSet: builtInRules, toolVersion: "t")
    }()

    /// The SARIF of `large` with the default limit, written once for the tests that read it.
    static let limited = SarifReporter(baseURI: "file:///project/").render(large)

    static func parse(_ sarif: String) throws -> (results: [[String: Any]], notifications: [[String: Any]]) {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let invocation = (run["invocations"] as? [[String: Any]])?.first
        return (try #require(run["results"] as? [[String: Any]]), invocation?["toolExecutionNotifications"] as? [[String: Any]] ?? [])
    }

    @Test func theMostSevereAreKeptAndTheRunSaysHowManyWereLeftOut() throws {
        let run = Self.large
        #expect((run.count(.error), run.count(.warning), run.count(.note)) == (20_000, 4_000, 6_000))
        let (results, notifications) = try Self.parse(Self.limited)
        #expect(results.count == 25_000)
        var levels: [String: Int] = [:]
        for r in results { levels[r["level"] as! String, default: 0] += 1 }
        #expect(levels == ["error": 20_000, "warning": 4_000, "note": 1_000])
        // Written in report order: the pointers' indices only grow.
        let indices = results.map { r -> Int in
            let pointer = ((r["locations"] as! [[String: Any]])[0]["logicalLocations"] as! [[String: Any]])[0]["fullyQualifiedName"] as! String
            return Int(pointer.split(separator: "/")[1])!
        }
        #expect(indices == indices.sorted())
        // Within notes, the first 1,000 in report order.
        let firstNotes = run.findings.filter { $0.level == .note }.prefix(1_000).map(\.pointer)
        let keptNotes = results.filter { $0["level"] as? String == "note" }.map {
            (($0["locations"] as! [[String: Any]])[0]["logicalLocations"] as! [[String: Any]])[0]["fullyQualifiedName"] as! String
        }
        #expect(keptNotes == Array(firstNotes))
        #expect(notifications.count == 1)
        #expect(notifications.first?["level"] as? String == "warning")
        let message = try #require((notifications.first?["message"] as? [String: Any])?["text"] as? String)
        #expect(message == "this log holds 25000 of the run's 30000 results: GitHub code scanning accepts at most 25000 per run, so the most severe were kept (errors, then warnings, then notes) and 5000 left out (5000 notes); policylint --format json lists every finding, and --sarif-max-results 0 writes them all into the SARIF")
    }

    @Test func noLimitWritesEveryResult() throws {
        let (results, notifications) = try Self.parse(SarifReporter(maxResults: nil).render(Self.large))
        #expect(results.count == 30_000)
        #expect(notifications.isEmpty)
    }

    /// Suppressed findings are the least of all: a live note is kept before a suppressed error.
    @Test func suppressedFindingsGoFirst() {
        var findings: [Finding] = []
        for (i, level) in [Level.error, .note, .warning, .error].enumerated() {
            var f = Finding(ruleID: "r/x", level: level, message: "m", file: "a.json", pointer: "/\(i)",
                            start: SourcePosition(line: i + 1, column: 1), end: SourcePosition(line: i + 1, column: 2), byteRange: i..<i + 1)
            if i == 0 { f.suppression = Suppression(reason: "r", source: "c:1") }
            findings.append(f)
        }
        let (kept, leftOut) = SarifReporter.mostSevere(findings, limit: 3)
        #expect(kept.map(\.pointer) == ["/1", "/2", "/3"])
        #expect(leftOut == [.error: 1])
        #expect(SarifReporter.mostSevere(findings, limit: 2).kept.map(\.pointer) == ["/2", "/3"])
    }

    @Test func aLimitedLogValidates() throws {
        guard SarifSchemaTests.validatorAvailable else {
            #expect(!SarifSchemaTests.required, "python3 with jsonschema is required here (pip install jsonschema)")
            return
        }
        let errors = try SarifSchemaTests.schemaErrors(Self.limited)
        #expect(errors == nil, "SARIF does not validate:\n\(errors ?? "")")
    }

    @Test func theOptionReachesTheReport() throws {
        #expect(Arguments.help.contains("--sarif-max-results N"))
        #expect(try Arguments.parse(["a.json"]).sarifMaxResults == 25_000)
        #expect(try Arguments.parse(["--sarif-max-results", "0", "a.json"]).sarifMaxResults == 0)
        #expect(throws: UsageError.self) { try Arguments.parse(["--sarif-max-results", "-1", "a.json"]) }
        #expect(throws: UsageError.self) { try Arguments.parse(["--sarif-max-results", "many", "a.json"]) }
        let policies = "{\"results\": [" + Array(repeating: #"{"resource_type": "SecurityPolicy", "sequence_number": 1000000}"#, count: 3).joined(separator: ",") + "]}"
        let r = try CLI.run(["--format", "sarif", "--sarif-max-results", "2", "-"], stdin: policies)
        let (results, notifications) = try Self.parse(r.stdout)
        #expect(results.count == 2)
        #expect((notifications.first?["message"] as? [String: Any])?["text"] as? String
                == "this log holds 2 of the run's 3 results: --sarif-max-results is 2, so the most severe were kept (errors, then warnings, then notes) and 1 left out (1 error); policylint --format json lists every finding, and --sarif-max-results 0 writes them all into the SARIF")
    }
}
