import Foundation
import Testing
@testable import PolicyLint

/// The packs generated from VMware's NSX models (rules/generated/, scripts/generate-nsx-packs.py)
/// are built in and read a type at a time (ModelCatalogue). Here they also load whole, as packs,
/// so that every type is validated as a pack's would be, and the types read one at a time must
/// equal them. Findings that appear only with them are theirs: none may be an error on the
/// project's real-world files and samples (COVERAGE.md: an unknown field or enum value from
/// another NSX version is a warning).
@Suite("Generated packs")
struct GeneratedPackTests {
    static let folder = Golden.root.appendingPathComponent("rules/generated")
    static var generatedFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    static func generatedPacks() throws -> [RulePack] {
        try generatedFiles.map { name in
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            return try RulePackLoader.load(file: "rules/generated/" + name, bytes: bytes, compilePatterns: false)
        }
    }

    /// The files linted: every JSON file of testdata/realworld and testdata/samples.
    static var lintedFiles: [URL] {
        ["testdata/realworld", "testdata/samples"].flatMap { folder -> [URL] in
            let url = Golden.root.appendingPathComponent(folder)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
            return names.map { url.appendingPathComponent($0) }
        }
    }

    @Test("rules/generated/ is what scripts/generate-nsx-packs.py writes")
    func generatedPacksAreCurrent() throws { try GeneratedDataTests.expectCurrent("generate-nsx-packs.py") }

    @Test("the generated packs load with the built-in ones")
    func generatedPacksLoad() throws {
        #expect(Self.generatedFiles == ["nsx-manager.json", "nsx-policy.json"])
        let generated = try Self.generatedPacks()
        let builtIn = try RuleSet.builtInPacks()
        let ruleSet = try RuleSet(packs: builtIn + generated, models: nil)
        let count = generated.reduce(0) { $0 + $1.types.count }
        print("generated packs: \(count) types (\(generated.map { "\($0.name): \($0.types.count)" }.joined(separator: ", ")))")
        #expect(count > 3000)
        // Every NSX family of the real files has a type of its own now.
        for name in ["Tier1", "Tier0", "Segment", "Group", "Service", "L4PortSetServiceEntry", "PolicyNatRule", "LBVirtualServer", "IPSecVpnSession"] {
            #expect(ruleSet.declaresType(name), "\(name)")
        }
        // The hand-written types win: the model's are not generated under their names.
        for name in ["SecurityPolicy", "Rule", "GatewayPolicy", "ApiServiceConfig"] {
            #expect(generated.allSatisfy { pack in !pack.types.contains { $0.name == name } }, "\(name)")
        }
    }

    @Test("every type a collection names is a type of the NSX model (GlobalInfra, the Global Manager's root, aside)")
    func collectionTypesAreModelTypes() throws {
        let models = try #require(ModelLines.builtIn)
        let names = try RuleSet.builtInPacks().flatMap(\.collections).flatMap(\.types).filter { $0 != "GlobalInfra" }
        #expect(names.count > 40)
        #expect(names.filter { !models.contains($0) && !models.contains($0 + ".model") } == [])
    }

    @Test("a model pack is indexed by its lines: found by name in any order, and a pack without a types line is refused")
    func modelLinesIndex() throws {
        let text = """
            {
            "pack":"test-model",
            "model":{"name":"Test model 1.0","exact":true},
            "types":[
            {"name":"Zeta","recognize":{"resource_type":"Zeta"},"closed":true,"fields":{"resource_type":{"type":"string"},"mode":{"type":"string","enum":["ON","OFF"]}}},
            {"name":"Alpha","closed":true,"fields":{"size":{"type":"integer","maximum":10}}},
            {"name":"Mid","closed":true,"fields":{}}
            ]}
            """
        let lines = try ModelLines(packs: [("test.json", text, nil)])
        #expect(lines.count == 3)
        #expect(lines.names.sorted() == ["Alpha", "Mid", "Zeta"])
        for name in ["Alpha", "Mid", "Zeta"] { #expect(lines.index(of: name).map(lines.name(at:)) == name) }
        #expect(lines.index(of: "Beta") == nil && lines.index(of: "Zet") == nil && lines.index(of: "") == nil)
        let zeta = try lines.parse(try #require(lines.index(of: "Zeta")))
        #expect(zeta.model?.name == "Test model 1.0" && zeta.model?.exact == true && zeta.fields["mode"]?.enumValues == ["ON", "OFF"])
        #expect(throws: ConfigurationError.self) { try ModelLines(packs: [("bad.json", "{\n\"pack\":\"x\",\n\"types\":[]}", nil)]) }
        // Through a rule set: the type is checked as the pack has it.
        let ruleSet = try RuleSet(packs: RuleSet.builtInPacks(), models: ModelLines(packs: [("test.json", text, nil)] + ModelLines.embedded))
        let report = Linter(ruleSet: ruleSet).lint(file: "z.json", bytes: Array(#"{"resource_type": "Zeta", "mode": "OFFF"}"#.utf8))
        #expect(report.findings.map(\.message) == ["'mode' is \"OFFF\", which is not allowed (allowed: ON, OFF); did you mean 'OFF'? (Test model 1.0: Zeta.mode)"])
    }

    @Test("the types read one line at a time are the types of the whole packs")
    func lazyTypesEqualEagerOnes() throws {
        let models = try #require(ModelLines.builtIn, "the built-in model packs do not load")
        let eager = try RuleSet(packs: RuleSet.builtInPacks() + Self.generatedPacks(), models: nil)
        let lazy = try RuleSet.builtIn()
        #expect(models.names.count == (try Self.generatedPacks()).reduce(0) { $0 + $1.types.count })
        for name in models.names {
            let a = try #require(eager.type(named: name), "\(name)"), b = try #require(lazy.type(named: name), "\(name)")
            #expect(a.fieldOrder.sorted() == b.fieldOrder.sorted(), "\(name)")
            #expect(a.closed == b.closed && a.required == b.required && a.model?.name == b.model?.name, "\(name)")
            #expect(a.checks.count == b.checks.count && a.uniqueKeys.count == b.uniqueKeys.count, "\(name)")
            for field in a.fieldOrder {
                let x = a.fields[field]!, y = b.fields[field]!
                #expect(x.types == y.types && x.enumValues == y.enumValues && x.member == y.member && x.readOnly == y.readOnly
                        && (x.references ?? x.items?.references) == (y.references ?? y.items?.references)
                        && x.maxLength == y.maxLength && x.maxItems == y.maxItems && x.minimum == y.minimum && x.maximum == y.maximum,
                        "\(name).\(field)")
            }
            if let resourceType = a.recognize?.resourceType {
                let p = eager.bundleSchema.profile(resourceType), q = lazy.bundleSchema.profile(resourceType)
                #expect(p?.referenceFields == q?.referenceFields && p?.segment == q?.segment, "\(name)")
            }
        }
    }

    @Test("every object of the real-world files and samples is checked, and the real-world files get no error")
    func realFilesAreCheckedWithoutErrors() throws {
        let ruleSet = try RuleSet.builtIn()
        for url in Self.lintedFiles {
            let bytes = [UInt8](try Data(contentsOf: url))
            let name = url.deletingLastPathComponent().lastPathComponent + "/" + url.lastPathComponent
            let report = Linter(ruleSet: ruleSet).lint(file: name, bytes: bytes)
            #expect(report.uncheckedTypes.isEmpty, "\(name): no rules for \(report.uncheckedTypes.keys.sorted())")
            // The samples' planted mistakes are pinned by their golden reports.
            if name.hasPrefix("realworld/") {
                let errors = report.findings.filter { $0.level == .error }
                #expect(errors.isEmpty, "\(errors.map { "\(name):\($0.start.line):\($0.start.column) [\($0.ruleID)] \($0.message)" })")
            }
        }
    }

    /// An H-API body with Tier-0/Tier-1, a Segment, a Service with an entry and a Group: nothing
    /// of it has a hand-written type. With the generated packs, each planted mistake is found
    /// where it is, and nothing else.
    static let hierarchicalBody = """
        {"resource_type": "Infra", "children": [
         {"resource_type": "ChildTier1", "Tier1": {"resource_type": "Tier1", "id": "t1", "failover_mode": "PREEMTIVE",
          "tier0_path": "/infra/tier-0s/t0", "route_advertisement_types": ["TIER1_CONNECTED"], "ha_modee": "ACTIVE_STANDBY"}},
         {"resource_type": "ChildTier0", "Tier0": {"resource_type": "Tier0", "id": "t0x", "ha_mode": "ACTIVE_ACTIVE"}},
         {"resource_type": "ChildSegment", "Segment": {"resource_type": "Segment", "id": "web", "connectivity_path": "/infra/tier-1s/t1-missing",
          "subnets": [{"gateway_address": "10.0.0.1/24", "dhcp_rangess": []}]}},
         {"resource_type": "ChildService", "Service": {"resource_type": "Service", "id": "svc",
          "service_entries": [{"resource_type": "L4PortSetServiceEntry", "id": "e", "l4_protocol": "TCPP", "destination_ports": ["8080"]}]}},
         {"resource_type": "ChildDomain", "Domain": {"resource_type": "Domain", "id": "default", "children": [
          {"resource_type": "ChildGroup", "Group": {"resource_type": "Group", "id": "g", "expression": [{"resource_type": "Condition",
           "key": "Tag", "member_type": "VirtualMachine", "operator": "EQUALS", "value": "web", "scope_operator": "EQUALS"}]}}]}}
        ]}
        """

    @Test("the generated types find the mistakes of a hierarchical body, and only those")
    func generatedTypesFindPlantedMistakes() throws {
        let options = LintOptions(mode: .authored)
        let report = Linter(ruleSet: try RuleSet.builtIn(), options: options).lint(file: "infra.json", bytes: Array(Self.hierarchicalBody.utf8))
        let found = report.findings.map { "\($0.ruleID) \($0.pointer)" }
        #expect(found.sorted() == [
            "schema/enum /children/0/Tier1/failover_mode",
            "schema/enum /children/3/Service/service_entries/0/l4_protocol",
            "schema/unknown-field /children/0/Tier1/ha_modee",
            "schema/unknown-field /children/2/Segment/subnets/0/dhcp_rangess",
            "xref/dangling /children/0/Tier1/tier0_path",
            "xref/dangling /children/2/Segment/connectivity_path",
        ], "\(report.findings.map(\.message))")
        #expect(report.uncheckedTypes.isEmpty, "\(report.uncheckedTypes)")
        // The whole packs loaded at once find the same.
        let eager = Linter(ruleSet: try RuleSet(packs: RuleSet.builtInPacks() + Self.generatedPacks(), models: nil), options: options)
            .lint(file: "infra.json", bytes: Array(Self.hierarchicalBody.utf8))
        #expect(eager.findings.map(\.message) == report.findings.map(\.message))
    }

    /// A limit the Python bindings lose and NSX's per-type JSON schema states: a Group has at
    /// most one extended_expression (the Go types of np-guard/vmware-analyzer). The finding
    /// names that source, not the model, and points at the list (its `[`).
    @Test("a count limit from NSX's per-type JSON schema is applied and cited")
    func goSchemaLimitIsAppliedAndCited() throws {
        let ruleSet = try RuleSet(packs: RuleSet.builtInPacks() + Self.generatedPacks())
        let body = """
            {"resource_type": "Group", "id": "g", "extended_expression": [
             {"resource_type": "IdentityGroupExpression"}, {"resource_type": "IdentityGroupExpression"}]}
            """
        let report = Linter(ruleSet: ruleSet, options: LintOptions(mode: .authored)).lint(file: "group.json", bytes: Array(body.utf8))
        #expect(report.findings.map { "\($0.ruleID) \($0.pointer) \($0.start.line):\($0.start.column)" } == [
            "schema/items /extended_expression 1:62",
        ])
        #expect(report.findings.first?.message == "'extended_expression' has 2 items; at most 1 is allowed (NSX per-type JSON schema, as carried by np-guard/vmware-analyzer (https://github.com/np-guard/vmware-analyzer, pkg/configuration/generated/nsx_sdk.go))")
    }

    /// The schema's plain limit of 15 destination_ports is replaced by nsx/port-count, which
    /// counts a range as 2 as NSX does: one finding for one list, never two.
    @Test("a port list over NSX's limit is one finding, ranges counting as 2")
    func portCountIsOneFinding() throws {
        let ruleSet = try RuleSet(packs: RuleSet.builtInPacks() + Self.generatedPacks())
        let ports = (1...16).map { "\"\(8000 + $0)\"" }.joined(separator: ", ")
        let ranges = (1...8).map { "\"\(9000 + 10 * $0)-\(9005 + 10 * $0)\"" }.joined(separator: ", ")
        let body = """
            {"resource_type": "Service", "id": "svc", "service_entries": [
             {"resource_type": "L4PortSetServiceEntry", "id": "e", "l4_protocol": "TCP", "destination_ports": [\(ports)]},
             {"resource_type": "L4PortSetServiceEntry", "id": "f", "l4_protocol": "TCP", "destination_ports": [\(ranges)]}]}
            """
        let report = Linter(ruleSet: ruleSet, options: LintOptions(mode: .authored)).lint(file: "service.json", bytes: Array(body.utf8))
        #expect(report.findings.map { "\($0.ruleID) \($0.pointer)" } == [
            "nsx/port-count /service_entries/0/destination_ports",
            "nsx/port-count /service_entries/1/destination_ports",
        ])
    }

    /// testdata/families/infra-export.json: an H-API GET response written for this test in the
    /// shape of a real export, with every family no hand-written type covers (a Tier-0 with its
    /// locale services, a Tier-1 with NAT, a Segment, a Service with an entry, a Group with
    /// expressions, an IPSec IKE profile, a load balancer pool and virtual server). Each planted
    /// mistake is found at its place, nothing else is, and every object is checked.
    @Test("a real-world-shaped export of every family: its planted mistakes, at their places, and nothing else")
    func everyFamilyOfAnExport() throws {
        let bytes = [UInt8](try Data(contentsOf: Golden.root.appendingPathComponent("testdata/families/infra-export.json")))
        let report = Linter(ruleSet: try RuleSet.builtIn()).lint(file: "infra-export.json", bytes: bytes)
        #expect(report.findings.map { "\($0.level.rawValue) \($0.ruleID) \($0.start.line):\($0.start.column) \($0.pointer)" } == [
            "note export/readonly-fields 4:3 /path",
            "error schema/unknown-field 31:68 /children/0/Tier0/children/0/LocaleServices/route_redistribution_config/redistribution_rulez",
            "error schema/enum 45:26 /children/1/Tier1/failover_mode",
            "error schema/enum 63:31 /children/1/Tier1/children/0/PolicyNat/children/0/PolicyNatRule/action",
            "error xref/dangling 82:30 /children/2/Segment/connectivity_path",
            "warning schema/unknown-field 84:51 /children/2/Segment/advanced_config/future_switching_mode",
            "error schema/enum 99:28 /children/3/Service/service_entries/0/l4_protocol",
            "error schema/enum 119:107 /children/4/Domain/children/0/Group/expression/0/operator",
            "error schema/enum 134:24 /children/5/IPSecVpnIkeProfile/ike_version",
            "note crypto/weak-ike 137:23 /children/5/IPSecVpnIkeProfile/dh_groups/0",
            "error schema/enum 147:22 /children/6/LBPool/algorithm",
            "error xref/dangling 159:22 /children/7/LBVirtualServer/pool_path",
        ])
        // Each message names the model and field it comes from, and says what is wrong in words.
        let messages = report.findings.map(\.message)
        #expect(messages.contains("'failover_mode' is \"PREEMTIVE\", which is not allowed (allowed: PREEMPTIVE, NON_PREEMPTIVE); did you mean 'PREEMPTIVE'? (VMware NSX Policy API 4.2 model: Tier1.failover_mode)"))
        #expect(messages.contains("'future_switching_mode' is not a field of SegmentAdvancedConfig in the VMware NSX Policy API 4.2 model; it may be one of another NSX version"))
        #expect(messages.contains("/infra/lb-pools/web-pol is not defined in this run's files, which do define lb-pools; did you mean /infra/lb-pools/web-pool?"))
        #expect(report.uncheckedTypes.isEmpty, "\(report.uncheckedTypes)")
        #expect(report.checkedTypes.keys.sorted() == ["Condition", "ConjunctionOperator", "Domain", "Group", "IPAddressExpression", "IPSecVpnIkeProfile", "Infra",
                                                     "L4PortSetServiceEntry", "LBPool", "LBVirtualServer", "LocaleServices", "PolicyNat", "PolicyNatRule",
                                                     "Segment", "Service", "Tier0", "Tier1"])
    }
}
