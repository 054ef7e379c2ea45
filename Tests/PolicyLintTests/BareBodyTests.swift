import Foundation
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
        // (The rules' hygiene, an unlogged any-any ALLOW, is not this test's subject.)
        #expect(report.findings.filter { !$0.ruleID.hasPrefix("rulebase/") }.map { "\($0.start.column) \($0.ruleID)" } == ["145 dup/sequence-number"])
    }

    /// Each bare body rules/nsx-bodies.json recognises by its fields fits one type of the NSX
    /// Policy model clearly: any other type with all of `hasAll`, one of `hasAny` and none of
    /// `hasNone` has no field the assumed type lacks, so checking the body as the assumed type
    /// never calls one of its fields unknown (a VPC NAT rule is a NAT rule with fewer fields).
    @Test func eachBareBodyShapeFitsOneModelTypeClearly() throws {
        let models = try GeneratedPackTests.generatedPacks().filter { $0.name.hasSuffix("nsx-policy") }.flatMap(\.types)
        // A model type a hand-written one checks (Group) is generated as NAME.model.
        func named(_ type: TypeSpec) -> String { type.name.hasSuffix(".model") ? String(type.name.dropLast(6)) : type.name }
        let bodies = try RuleSet.builtInPacks().filter { $0.name == "nsx-bodies" }.flatMap(\.types)
        #expect(bodies.count == 10)
        for type in bodies {
            let r = try #require(type.recognize), assumed = try #require(type.assumes)
            let assumedFields = Set(try #require(models.first { named($0) == assumed }).fieldOrder)
            let fitting = models.filter { model in
                let fields = Set(model.fieldOrder)
                return r.hasAll.allSatisfy(fields.contains) && (r.hasAny.isEmpty || r.hasAny.contains(where: fields.contains))
                    && !r.hasNone.contains(where: fields.contains)
            }
            #expect(fitting.contains { named($0) == assumed }, "\(type.name)")
            let wider = fitting.filter { !Set($0.fieldOrder).isSubset(of: assumedFields) }.map(named)
            #expect(wider.isEmpty, "\(type.name) also fits \(wider)")
        }
    }

    /// A bare body of each family is checked as its type, with its planted mistake found where it is.
    @Test(arguments: [
        (#"{"display_name": "web", "expression": [{"resource_type": "Condition", "key": "Tag", "member_type": "VirtualMachine", "operator": "EQUALZ", "value": "web"}]}"#,
         "Group", "schema/enum /expression/0/operator"),
        (#"{"display_name": "https-8443", "service_entries": [{"resource_type": "L4PortSetServiceEntry", "id": "e", "l4_protocol": "TCP", "destination_portz": ["8443"]}]}"#,
         "Service", "schema/unknown-field /service_entries/0/destination_portz"),
        (#"{"subnets": [{"gateway_address": "10.0.0.1/24"}], "connectivity_path": "/infra/tier-1s/t1", "admin_statee": "UP"}"#,
         "Segment", "schema/unknown-field /admin_statee"),
        (#"{"ha_mode": "ACTIVE_STANDBYY", "transit_subnets": ["100.64.0.0/16"]}"#, "Tier0", "schema/enum /ha_mode"),
        (#"{"tier0_path": "/infra/tier-0s/t0", "route_advertisement_types": ["TIER1_CONECTED"]}"#, "Tier1", "schema/enum /route_advertisement_types/0"),
        (#"{"action": "DNATT", "translated_network": "10.0.0.5", "destination_network": "203.0.113.5"}"#, "PolicyNatRule", "schema/enum /action"),
        (#"{"ike_version": "IKE_V3", "encryption_algorithms": ["AES_128", "AES_GCM_256"]}"#, "IPSecVpnIkeProfile", "schema/enum /ike_version"),
        (#"{"enable_perfect_forward_secrecy": "yes", "df_policy": "COPY"}"#, "IPSecVpnTunnelProfile", "schema/type /enable_perfect_forward_secrecy"),
        (#"{"application_profile_path": "/infra/lb-app-profiles/default-http-lb-app-profile", "ip_address": "10.0.0.10", "ports": ["80"], "enabledd": true}"#,
         "LBVirtualServer", "schema/unknown-field /enabledd"),
        (#"{"members": [{"ip_address": "10.0.0.11", "port": "80"}], "algorithm": "ROUND_ROBINN"}"#, "LBPool", "schema/enum /algorithm"),
    ])
    func aBareBodyOfEachFamilyIsCheckedAsItsType(_ body: String, _ type: String, _ finding: String) {
        let report = Linter(ruleSet: builtInRules, options: LintOptions(mode: .authored)).lint(file: "body.json", bytes: Array(body.utf8))
        #expect(report.assumedTypes == [type: 1])
        #expect(report.findings.map { "\($0.ruleID) \($0.pointer)" } == [finding], "\(report.findings.map(\.message))")
    }
}
