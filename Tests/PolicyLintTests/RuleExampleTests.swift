import Foundation
import Testing
@testable import PolicyLint

/// One example of one rule: the generic test below runs every one of them.
struct RuleExampleCase: CustomTestStringConvertible, Sendable {
    let rule: RuleDescription
    let example: RuleExample
    let index: Int
    var testDescription: String { "\(rule.id) \(example.isValid ? "valid" : "invalid") #\(index + 1)" }
}

let builtInRules: RuleSet = {
    do { return try RuleSet.builtIn() } catch { fatalError("the built-in rule packs do not load: \(error)") }
}()

func allExampleCases() -> [RuleExampleCase] {
    builtInRules.ruleOrder.flatMap { id -> [RuleExampleCase] in
        let rule = builtInRules.rules[id]!
        return rule.examples.enumerated().map { RuleExampleCase(rule: rule, example: $1, index: $0) }
    }
}

/// Lints an example as policylint would, with its mode and kind. A finding about the whole run
/// (`discovery/nothing-checked`) has no position: its examples are runs of the one file, and it
/// stands at the start of that file, where their marker is.
func lintExample(_ example: RuleExample) -> (findings: [Finding], markers: [SourcePosition]) {
    let (bytes, markers) = example.bytesAndMarkers()
    let linter = Linter(ruleSet: builtInRules, options: LintOptions(mode: example.mode, kind: example.kind))
    let lines = LineIndex(bytes)
    // Other files of the same bundle come first (a duplicate is reported where it repeats);
    // only the example's own findings count.
    let others = example.otherFiles.sorted { $0.key < $1.key }.map { (name: $0.key, bytes: Array($0.value.utf8)) }
    let reports = linter.lint(bundle: others + [(name: "example.json", bytes: bytes)])
    let start = SourcePosition(line: 1, column: 1)
    let runLevel = linter.runFindings(reports).map {
        Finding(ruleID: $0.ruleID, level: $0.level, message: $0.message, file: "example.json", pointer: "", start: start, end: start, byteRange: 0..<0)
    }
    return (reports[reports.count - 1].findings + runLevel, markers.map { lines.position(of: $0) })
}

/// The examples of `config/*` rules are configuration files: each is loaded as `.policylint.json`
/// on a fixed day, and the findings about the configuration itself are what counts.
func lintConfigurationExample(_ example: RuleExample) -> (findings: [Finding], markers: [SourcePosition]) {
    let (bytes, markers) = example.bytesAndMarkers()
    let positions = markers.map { LineIndex(bytes).position(of: $0) }
    do {
        let config = try Configuration.load(file: ".policylint.json", folder: "/project", bytes: bytes, ruleSet: builtInRules)
        let reports = config.suppress([], workingDirectory: "/project", today: CalendarDate(year: 2026, month: 1, day: 1), linter: Linter(ruleSet: builtInRules))
        return (reports.flatMap(\.findings), positions)
    } catch {
        Issue.record("the example is not a valid configuration: \(error)")
        return ([], positions)
    }
}

@Test("every rule example: invalid ones report the rule exactly at each ↓, valid ones do not report it",
      arguments: allExampleCases())
func ruleExample(_ testCase: RuleExampleCase) {
    let (findings, markers) = testCase.rule.id.hasPrefix("config/") ? lintConfigurationExample(testCase.example) : lintExample(testCase.example)
    let own = findings.filter { $0.ruleID == testCase.rule.id }
    if testCase.example.isValid {
        #expect(own.isEmpty, "valid example reported: \(own.map { "\($0.start.line):\($0.start.column) \($0.message)" })")
        #expect(markers.isEmpty, "a valid example carries no ↓ marker")
    } else {
        #expect(!markers.isEmpty, "an invalid example marks where the finding starts with ↓")
        for marker in markers {
            #expect(own.contains { $0.start == marker },
                    "expected \(testCase.rule.id) at \(marker.line):\(marker.column); found \(findings.map { "\($0.ruleID)@\($0.start.line):\($0.start.column)" })")
        }
        #expect(own.count == markers.count, "expected \(markers.count) finding(s) of \(testCase.rule.id), got \(own.map { "\($0.start.line):\($0.start.column) \($0.message)" })")
    }
}

@Test("every rule has a source, and at least one valid and one invalid example")
func everyRuleIsDocumentedAndExemplified() {
    for id in builtInRules.ruleOrder {
        let rule = builtInRules.rules[id]!
        #expect(rule.examples.contains { $0.isValid }, "\(id) has no valid example")
        #expect(rule.examples.contains { !$0.isValid }, "\(id) has no invalid example")
        #expect(!rule.source.isEmpty && !rule.explanation.isEmpty, "\(id) needs an explanation and a source")
    }
}

/// Users have the public documents, not the files policylint was specified from: a rule cites
/// the former by title and URL.
@Test("no built-in rule cites a file users do not have")
func rulesCitePublicDocuments() {
    let privateReferences = ["seeds/", "seed 00", "spec/", "RULES.md", "catalogue section"]
    for id in builtInRules.ruleOrder {
        let rule = builtInRules.rules[id]!
        for (field, text) in [("source", rule.source), ("explanation", rule.explanation), ("summary", rule.summary)] {
            for reference in privateReferences {
                #expect(!text.contains(reference), "\(id) \(field) mentions \(reference): \(text)")
            }
        }
    }
}

@Test("every rule id the engine emits is declared in a pack")
func engineRulesAreDeclared() throws {
    for id in ["json/syntax", "json/encoding", "json/duplicate-key", "discovery/unknown-document", "discovery/nothing-checked", "schema/type", "schema/enum",
               "schema/range", "schema/length", "schema/items", "schema/required", "schema/unknown-field",
               "schema/readonly-field", "schema/deprecated", "export/paginated", "export/result-count-mismatch",
               "nsx/child-type-mismatch", "xref/href-key-mismatch"] {
        #expect(builtInRules.rules[id] != nil, "\(id) is not declared")
    }
}

@Test("the README's custom rule pack loads and its examples hold")
func readmeCustomRulePack() throws {
    let path = Golden.root.appendingPathComponent("examples/owner-tag/owner-tag.json")
    let pack = try RulePackLoader.load(file: path.path, bytes: [UInt8](try Data(contentsOf: path)))
    let ruleSet = try RuleSet(packs: try RuleSet.builtInPacks() + [pack])
    let rule = try #require(ruleSet.rules["acme/policy-owner-tag"])
    for example in rule.examples {
        let (bytes, markers) = example.bytesAndMarkers()
        let findings = Linter(ruleSet: ruleSet).lint(file: "e.json", bytes: bytes).findings.filter { $0.ruleID == rule.id }
        #expect(findings.map(\.start) == markers.map { LineIndex(bytes).position(of: $0) })
    }
    // The built-in SecurityPolicy checks still run on the policies the custom type takes over.
    let report = Linter(ruleSet: ruleSet).lint(file: "p.json", bytes: Array(#"{"resource_type": "SecurityPolicy", "sequence_number": 1000000}"#.utf8))
    #expect(Set(report.findings.map(\.ruleID)) == ["acme/policy-owner-tag", "nsx/sequence-range"])
}
