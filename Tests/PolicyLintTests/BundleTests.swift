import Foundation
import Testing
@testable import PolicyLint

@Suite("Bundle: references and duplicates across files")
struct BundleTests {
    let groups = #"{"results": [{"resource_type": "Group", "id": "web", "path": "/infra/domains/default/groups/web"}, {"resource_type": "Group", "id": "db", "path": "/infra/domains/default/groups/db"}], "result_count": 2}"#
    let rules = """
    {"resource_type": "SecurityPolicy", "id": "p", "path": "/infra/domains/default/security-policies/p", "rules": [
      {"action": "ALLOW", "sequence_number": 1, "source_groups": ["/infra/domains/default/groups/web"], "destination_groups": ["/infra/domains/default/groups/dbb"]}
    ]}
    """

    @Test func aReferenceResolvesAgainstAnotherFileOrIsFoundDangling() throws {
        let reports = Linter(ruleSet: builtInRules).lint(bundle: [("groups.json", Array(groups.utf8)), ("policy.json", Array(rules.utf8))])
        let dangling = reports[1].findings.filter { $0.ruleID == "xref/dangling" }
        #expect(dangling.count == 1)
        let finding = try #require(dangling.first)
        #expect(finding.start == SourcePosition(line: 2, column: 124))
        #expect(finding.pointer == "/rules/0/destination_groups/0")
        #expect(finding.message.contains("did you mean /infra/domains/default/groups/db?"))
        // A list with result_count is a GET response: its read-only paths are one note.
        // (db, which the typo meant, is used by no rule: a note of the rule base analysis.)
        #expect(reports[0].findings.map(\.ruleID) == ["export/readonly-fields", "rulebase/unused-group"])
    }

    @Test func aReferenceOnlyOtherFilesCouldResolveIsAWarningUnlessANearMiss() throws {
        // A segments export and an H-API body of Tier-1s: perhaps two NSX Managers.
        let segments = #"{"results": [{"resource_type": "Segment", "id": "s", "path": "/infra/segments/s", "connectivity_path": "/infra/tier-1s/t1-mgmt"}, {"resource_type": "Segment", "id": "u", "path": "/infra/segments/u", "connectivity_path": "/infra/tier-1s/edge-t11"}], "result_count": 2}"#
        let tier1s = #"{"resource_type": "Infra", "children": [{"resource_type": "ChildTier1", "Tier1": {"resource_type": "Tier1", "id": "edge-t1"}}]}"#
        let reports = Linter(ruleSet: builtInRules).lint(bundle: [("segments.json", Array(segments.utf8)), ("infra.json", Array(tier1s.utf8))])
        let dangling = reports[0].findings.filter { $0.ruleID == "xref/dangling" }.map { "\($0.level.rawValue) \($0.pointer) \($0.message)" }
        #expect(dangling == [
            "warning /results/0/connectivity_path /infra/tier-1s/t1-mgmt is not defined in this run's files; the tier-1s the run defines are all in other files, which may describe another NSX Manager",
            "error /results/1/connectivity_path /infra/tier-1s/edge-t11 is not defined in this run's files, which do define tier-1s; did you mean /infra/tier-1s/edge-t1?",
        ])
    }

    @Test func withoutTheGroupsNothingIsDanglingUnlessStrict() {
        let alone = Linter(ruleSet: builtInRules).lint(file: "policy.json", bytes: Array(rules.utf8))
        #expect(!alone.findings.contains { $0.ruleID == "xref/dangling" })
        var options = LintOptions()
        options.strictReferences = true
        let strict = Linter(ruleSet: builtInRules, options: options).lint(file: "policy.json", bytes: Array(rules.utf8))
        #expect(strict.findings.filter { $0.ruleID == "xref/dangling" }.map(\.level) == [.note, .note])
    }

    @Test func theCommandChecksAllFilesOfARunAsOneBundle() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policylint-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try groups.write(to: folder.appendingPathComponent("groups.json"), atomically: true, encoding: .utf8)
        try rules.write(to: folder.appendingPathComponent("policy.json"), atomically: true, encoding: .utf8)
        let r = try CLI.run([folder.path])
        #expect(r.stdout.contains("policy.json:2:124: error [xref/dangling]"))
        #expect(r.status == 1)
    }

    /// An H-API group's path is derived from its domain's (never written out): a reference
    /// resolves exactly when it names that path, byte for byte or through escapes.
    @Test func aReferenceToADerivedPathMatchesItExactly() {
        let tree = #"{"resource_type": "Infra", "children": [{"resource_type": "ChildDomain", "Domain": {"resource_type": "Domain", "id": "prod", "children": [{"resource_type": "ChildGroup", "Group": {"resource_type": "Group", "id": "web", "expression": []}}]}}]}"#
        let targets = ["/infra/domains/prod/groups/web", "/infra/domains/prod/groups/we", "/infra/domains/prod/groups/wex",
                       "/infra/domains/prot/groups/web", "/infra/domains/prod/group/web", "/infra/domains/prod/groupz/web",
                       "/infra/domains/prod/groups/web/", #"/infra/domains/prod/groups\/web"#, #"/infra/domains/prod/groups/w\u0065b"#]
        let rules = targets.map { #"{"resource_type": "Rule", "id": "r", "action": "ALLOW", "source_groups": ["\#($0)"], "destination_groups": ["ANY"], "services": ["ANY"]}"# }
        let policy = #"{"results": ["# + rules.joined(separator: ", ") + "]}"
        let reports = Linter(ruleSet: builtInRules).lint(bundle: [("tree.json", Array(tree.utf8)), ("rules.json", Array(policy.utf8))])
        let dangling = reports[1].findings.filter { $0.ruleID == "xref/dangling" }.map(\.pointer)
        // The first and the two spelled with escapes name the group; `group` and `groupz` are
        // collections this run holds none of (not checked unless --strict-refs).
        #expect(dangling == ["/results/1/source_groups/0", "/results/2/source_groups/0", "/results/3/source_groups/0",
                             "/results/6/source_groups/0"])
    }

    /// 100,000 rules and 10,000 groups: one pass over an index, never every pair. The speed
    /// target lives in the benchmark; this shows the work stays linear and correct at that size.
    @Test func aLargeGeneratedBundleIsCheckedInOnePass() {
        var groupFile = #"{"results": ["#
        for g in 0..<10_000 {
            if g > 0 { groupFile += ", " }
            groupFile += #"{"resource_type": "Group", "id": "g\#(g)", "path": "/infra/domains/default/groups/g\#(g)"}"#
        }
        groupFile += "]}"
        var policyFile = #"{"results": ["#
        for p in 0..<1_000 {
            if p > 0 { policyFile += ", " }
            policyFile += #"{"resource_type": "SecurityPolicy", "id": "p\#(p)", "path": "/infra/domains/default/security-policies/p\#(p)", "category": "Application", "sequence_number": \#(p), "rules": ["#
            for r in 0..<100 {
                if r > 0 { policyFile += ", " }
                let n = p * 100 + r
                // Every 25,000th rule names a group that does not exist.
                let target = n % 25_000 == 7 ? "missing\(n)" : "g\(n % 10_000)"
                policyFile += #"{"action": "ALLOW", "sequence_number": \#(r), "source_groups": ["/infra/domains/default/groups/\#(target)"], "services": ["ANY"]}"#
            }
            policyFile += "]}"
        }
        policyFile += "]}"
        let reports = Linter(ruleSet: builtInRules).lint(bundle: [("groups.json", Array(groupFile.utf8)), ("policies.json", Array(policyFile.utf8))])
        let findings = reports.flatMap(\.findings)
        #expect(findings.filter { $0.ruleID == "xref/dangling" }.count == 4)
        #expect(!findings.contains { $0.ruleID == "dup/sequence-number" || $0.ruleID == "dup/id" })
        #expect(reports[1].checkedTypes["SecurityPolicy"] == 1_000)
    }
}
