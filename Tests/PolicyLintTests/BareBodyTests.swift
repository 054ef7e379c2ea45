import Testing
@testable import PolicyLint

/// Bare NSX bodies (no `resource_type`) are checked as the type their fields show, and the
/// summary says which type was assumed: a PUT body must never pass because it was not understood.
@Suite("Bare NSX bodies")
struct BareBodyTests {
    /// The NSX-T Global Manager API's own SecurityPolicy example request, with two typos.
    static let policyBody = """
    { "description": "comm map revised", "display_name": "application-section-1", "category":"Aplication",
      "rules": [ { "display_name": "ce-1", "sequence_number": 1, "source_groups": [ "/infra/domains/vmc/groups/db" ],
                   "destination_groups": [ "ANY" ], "action": "DENY" } ] }
    """

    @Test func aSecurityPolicyBodyWithoutResourceTypeIsCheckedAndNamedAsAssumed() {
        let report = Linter(ruleSet: builtInRules).lint(file: "policy.json", bytes: Array(Self.policyBody.utf8))
        #expect(report.findings.map { "\($0.start.line):\($0.start.column) \($0.ruleID)" } == ["1:90 schema/enum", "3:59 schema/enum"])
        #expect(report.checkedTypes["SecurityPolicy"] == 1)
        #expect(report.assumedTypes == ["SecurityPolicy": 1])
        let summary = TextReporter(color: false).summary(RunResult(files: [report], ruleSet: builtInRules, toolVersion: "test"))
        #expect(summary.contains("assumed from their fields (no resource_type): SecurityPolicy ×1; --kind or the configuration's kinds name the type\n"))
    }

    @Test func aGatewayPolicyBodyIsNotTakenForASecurityPolicy() {
        let body = #"{"category": "LocalGatewayRules", "rules": [{"action": "ALLOW", "scope": ["/infra/tier-1s/t1"]}]}"#
        let report = Linter(ruleSet: builtInRules).lint(file: "gw.json", bytes: Array(body.utf8))
        #expect(report.assumedTypes.isEmpty)
        #expect(report.findings.map(\.ruleID) == ["discovery/unknown-document"])
    }

    @Test func kindNamesAnNSXTypeAndIsNotAnAssumption() {
        let body = #"{"category": "LocalGatewayRules", "rules": []}"#
        let report = Linter(ruleSet: builtInRules, options: LintOptions(kind: "SecurityPolicy")).lint(file: "p.json", bytes: Array(body.utf8))
        #expect(report.findings.map { "\($0.start.column) \($0.ruleID)" } == ["14 schema/enum"])
        #expect(report.checkedTypes == ["SecurityPolicy": 1])
        #expect(report.assumedTypes.isEmpty)
    }

    @Test func theConfigurationsKindsNameNSXTypes() throws {
        let config = try Configuration.load(file: ".policylint.json", folder: "/project",
                                            bytes: Array(#"{"kinds": {"policies/*.json": "SecurityPolicy"}}"#.utf8), ruleSet: builtInRules)
        var options = LintOptions()
        config.configure(&options, files: ["/project/policies/web.json"], workingDirectory: "/project")
        #expect(options.kindsByFile["/project/policies/web.json"] == "SecurityPolicy")
        #expect(builtInRules.kindNames.contains("SecurityPolicy") && builtInRules.kindNames.contains("sps.audit_policy"))
        #expect(!builtInRules.kindNames.contains { $0.hasSuffix(".body") || $0 == "nsx.Object" })
    }

    @Test func duplicateRuleNumbersOfABareBodyAreFound() {
        let body = #"{"category": "Application", "rules": [{"action": "ALLOW", "sequence_number": 5}, {"resource_type": "Rule", "action": "DROP", "sequence_number": 5}]}"#
        let report = Linter(ruleSet: builtInRules).lint(file: "p.json", bytes: Array(body.utf8))
        #expect(report.findings.map { "\($0.start.column) \($0.ruleID)" } == ["145 dup/sequence-number"])
    }
}
