import Foundation
import Testing
@testable import PolicyLint

/// `--nsx-spec FILE` (COVERAGE.md item 6): the OpenAPI document a user's own NSX Manager serves,
/// read into a rule pack that checks against that appliance's version exactly. The specs under
/// testdata/nsx-spec/ are small ones written for these tests: a Swagger 2.0 document
/// (`definitions`) and an OpenAPI 3 one (`components.schemas`), each with a base and its
/// subtypes, enums, read-only fields, a member type, int32 fields and length limits.
@Suite("NSX spec import")
struct NSXSpecImportTests {
    static func specBytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Golden.root.appendingPathComponent("testdata/nsx-spec/" + name)))
    }

    /// The pack text for a spec of testdata/nsx-spec/, named as a user's export would be.
    static func packText(_ name: String) throws -> String {
        try NSXSpecImport.pack(fromSpec: specBytes(name), file: "exports/" + name)
    }

    static func ruleSet(_ name: String) throws -> RuleSet {
        let pack = try RulePackLoader.load(file: name, bytes: Array(packText(name).utf8))
        return try RuleSet(packs: RuleSet.builtInPacks() + [pack])
    }

    /// Each finding of an authored body as "level rule pointer line:column message".
    static func findings(_ json: String, _ ruleSet: RuleSet) -> [String] {
        let report = Linter(ruleSet: ruleSet, options: LintOptions(mode: .authored)).lint(file: "body.json", bytes: Array(json.utf8))
        return report.findings.map { "\($0.level.rawValue) \($0.ruleID) \($0.pointer) \($0.start.line):\($0.start.column) \($0.message)" }
    }

    /// The ConfigurationError a spec gives, as its description.
    static func importError(_ json: String) -> String? {
        do {
            _ = try NSXSpecImport.pack(fromSpec: Array(json.utf8), file: "specs/nsx_policy_api.json")
            return nil
        } catch let error as ConfigurationError {
            return error.description
        } catch {
            return "not a ConfigurationError: \(error)"
        }
    }

    // MARK: The pack's layout

    @Test("the pack has the generated packs' layout: a header line per key, then one type per line, sorted", arguments: ["swagger2.json", "openapi3.json"])
    func layout(_ name: String) throws {
        let lines = try Self.packText(name).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let version = name == "swagger2.json" ? "9.1.0.0.0" : "9.2.0"
        #expect(lines[0] == "{")
        #expect(lines[1] == #""pack":"nsx-spec","#)
        #expect(lines[2].hasPrefix(#""description":"Every object type of the NSX API specification \#(name), version \#(version), "#))
        #expect(lines[3] == #""model":{"name":"NSX API specification \#(name), version \#(version)","exact":true},"#)
        #expect(lines[4] == #""types":["#)
        #expect(lines.suffix(2) == ["]}", ""])
        let typeLines = Array(lines[5..<(lines.count - 2)])
        var names: [String] = []
        for (i, line) in typeLines.enumerated() {
            #expect(line.hasPrefix(#"{"name":""#), "\(line)")
            let isLast = i == typeLines.count - 1
            #expect(line.hasSuffix(",") != isLast, "\(line)")
            // Each line is one whole JSON object: a loader may parse it alone.
            let json = isLast ? line : String(line.dropLast())
            let doc = JSONParser.parse(Array(json.utf8))
            #expect(doc.problems.isEmpty && doc.kind(0) == .object, "\(line)")
            names.append(doc.string(doc.member(0, "name")!))
        }
        #expect(names == names.sorted())
        let expected = name == "swagger2.json"
            ? ["FederationGatewayConfig", "L4PortSetServiceEntry.model", "ManagedResource", "PolicyConfigResource", "Rule.model",
               "SecurityPolicy.model", "Service", "ServiceEntry", "Tag", "Tier1"]
            : ["LBAppProfile", "LBHttpProfile", "LBQuicProfile", "ManagedResource", "QuicLimits"]
        // The string and enum schemas (IPAddress, XForwardedFor) are written into their fields.
        #expect(names == expected)
        // It loads strictly, beside the built-in packs.
        let pack = try RulePackLoader.load(file: name, bytes: Array(Self.packText(name).utf8))
        #expect(pack.name == "nsx-spec" && pack.model?.exact == true)
        _ = try RuleSet(packs: RuleSet.builtInPacks() + [pack])
    }

    @Test("types follow the generator's conventions: recognize, include, base, closed, required, int32 ranges, members")
    func typeLines() throws {
        let swagger = try Self.packText("swagger2.json").split(separator: "\n").map(String.init)
        let model = "NSX API specification swagger2.json, version 9.1.0.0.0"
        func line(_ name: String, in lines: [String]) -> String? {
            lines.first { $0.hasPrefix(#"{"name":"\#(name)","#) }.map { $0.hasSuffix(",") ? String($0.dropLast()) : $0 }
        }
        // A subtype the hand-written packs check (L4PortSetServiceEntry, whose ports they judge):
        // NAME.model, recognising nothing and naming no base (the hand-written type says it), the
        // base's fields flattened in, the managed-resource fields by include, the spec's required
        // fields (the discriminator's and its own). LBQuicProfile below shows a subtype's base.
        #expect(line("L4PortSetServiceEntry.model", in: swagger) == #"{"name":"L4PortSetServiceEntry.model","description":"\#(model): L4PortSetServiceEntry (the hand-written L4PortSetServiceEntry checks it; this is its complete field list, to include)","include":["nsx.ManagedResource"],"closed":true,"fields":{"path":{"type":"string","readOnly":true},"marked_for_delete":{"type":"boolean","readOnly":true},"l4_protocol":{"type":"string","enum":["TCP","UDP"]},"destination_ports":{"type":"array","maxItems":15,"items":{"type":"string"}}},"required":["resource_type","l4_protocol"]}"#)
        // A member type: no resource_type, so it recognises nothing; int32 with its range.
        #expect(line("FederationGatewayConfig", in: swagger) == #"{"name":"FederationGatewayConfig","description":"\#(model): FederationGatewayConfig","closed":true,"fields":{"global_overlay_id":{"type":"integer","minimum":-2147483648,"maximum":2147483647,"readOnly":true},"transit_segment_id":{"type":"string","readOnly":true}}}"#)
        // A type the hand-written packs check is NAME.model, recognising nothing, and its
        // members name the hand-written Rule.
        #expect(line("SecurityPolicy.model", in: swagger) == #"{"name":"SecurityPolicy.model","description":"\#(model): SecurityPolicy (the hand-written SecurityPolicy checks it; this is its complete field list, to include)","include":["nsx.ManagedResource"],"closed":true,"fields":{"path":{"type":"string","readOnly":true},"marked_for_delete":{"type":"boolean","readOnly":true},"category":{"type":"string"},"sequence_number":{"type":"integer","minimum":-2147483648,"maximum":2147483647},"rules":{"type":"array","items":{"type":"object","member":"Rule"}}}}"#)
        // A list of a polymorphic base holds objects that name their own type: no member.
        let service = try #require(line("Service", in: swagger))
        #expect(service.contains(#""service_entries":{"type":"array","items":{"type":"object"}}"#))
        let tier1 = try #require(line("Tier1", in: swagger))
        // The spec's own bounds win over int32's; a string schema by $ref is written in; a
        // policy path names its collection (from the description's example path).
        #expect(tier1.contains(#""route_limit":{"type":"integer","minimum":1,"maximum":5000}"#))
        #expect(tier1.contains(#""ha_vip":{"type":"string"}"#))
        #expect(tier1.contains(#""tier0_path":{"type":"string","references":"tier-0s"}"#))
        #expect(tier1.contains(#""federation_config":{"type":"object","member":"FederationGatewayConfig"}"#))
        #expect(!tier1.contains("x-vmw") && !tier1.contains("default"))

        let openapi = try Self.packText("openapi3.json").split(separator: "\n").map(String.init)
        let model3 = "NSX API specification openapi3.json, version 9.2.0"
        // OpenAPI 3: a subtype from the discriminator's mapping and allOf; int32 with the spec's
        // minimum; item limits; a keyword the pack cannot state (oneOf) leaves the field open.
        #expect(line("LBQuicProfile", in: openapi) == #"{"name":"LBQuicProfile","description":"\#(model3): LBQuicProfile","recognize":{"resource_type":"LBQuicProfile"},"include":["nsx.ManagedResource"],"base":"LBAppProfile","closed":true,"fields":{"max_streams":{"type":"integer","minimum":1,"maximum":2147483647},"congestion_control":{"type":"string","enum":["CUBIC","BBR"]},"alpn":{"type":"array","minItems":1,"maxItems":4,"items":{"type":"string","minLength":1,"maxLength":16}},"limits":{"type":"object","member":"QuicLimits"},"sampling":{}}}"#)
        // A nullable type list, an enum schema behind allOf, a deprecated field.
        #expect(line("LBHttpProfile", in: openapi) == #"{"name":"LBHttpProfile","description":"\#(model3): LBHttpProfile","recognize":{"resource_type":"LBHttpProfile"},"include":["nsx.ManagedResource"],"base":"LBAppProfile","closed":true,"fields":{"http_redirect_to":{"type":"string","maxLength":2048},"x_forwarded_for":{"type":"string","enum":["INSERT","REPLACE"]},"ntlm":{"type":"boolean","deprecated":"the \#(model3) marks LBHttpProfile.ntlm deprecated"},"idle_timeout":{"type":"integer","minimum":1,"maximum":5400}}}"#)
    }

    // MARK: Linting against the spec

    static let tier1Body = """
        {"resource_type": "Tier1", "id": "t1", "display_name": "edge",
         "failover_mode": "PREEMPTIVE_WITH_GRACE", "ha_mode": "HOT_STANDBY", "ha_modee": "ACTIVE_STANDBY",
         "bgp_flavour": true, "arp_limit": 3000000000, "notes": "twenty-one characters", "realization_id": "r",
         "federation_config": {"global_overlay_id": 7, "transit_segment": "x"}}
        """

    @Test("a body is checked exactly against the appliance's spec: unknown fields and enum values are errors that name it")
    func exactAgainstTheSpec() throws {
        let model = "NSX API specification swagger2.json, version 9.1.0.0.0"
        // failover_mode PREEMPTIVE_WITH_GRACE is in this spec (not in the 4.2 model): accepted.
        #expect(Self.findings(Self.tier1Body, try Self.ruleSet("swagger2.json")) == [
            "error schema/enum /ha_mode 2:55 'ha_mode' is \"HOT_STANDBY\", which is not allowed (allowed: ACTIVE_STANDBY, ACTIVE_ACTIVE) (\(model): Tier1.ha_mode)",
            "error schema/unknown-field /ha_modee 2:70 'ha_modee' is not a field of Tier1; did you mean 'ha_mode'? (\(model))",
            "error schema/unknown-field /bgp_flavour 3:2 'bgp_flavour' is not a field of Tier1 (\(model))",
            "error schema/range /arp_limit 3:36 'arp_limit' is 3000000000; it must be between -2,147,483,648 and 2,147,483,647 (\(model): Tier1.arp_limit)",
            "error schema/length /notes 3:57 'notes' is 21 characters long; it must be at most 20 characters (\(model): Tier1.notes)",
            "warning schema/readonly-field /realization_id 3:82 'realization_id' is read-only (\(model): Tier1.realization_id): the server sets it, and a PUT or PATCH body should not carry it (keep only _revision)",
            "warning schema/readonly-field /federation_config/global_overlay_id 4:24 'global_overlay_id' is read-only (\(model): FederationGatewayConfig.global_overlay_id): the server sets it, and a PUT or PATCH body should not carry it (keep only _revision)",
            "error schema/unknown-field /federation_config/transit_segment 4:48 'transit_segment' is not a field of FederationGatewayConfig; did you mean 'transit_segment_id'? (\(model))",
        ])
    }

    @Test("a configured level still wins over the spec's error for an unknown field")
    func configuredLevelWins() throws {
        var options = LintOptions(mode: .authored)
        options.levels["schema/unknown-field"] = .note
        let report = Linter(ruleSet: try Self.ruleSet("swagger2.json"), options: options)
            .lint(file: "body.json", bytes: Array(#"{"resource_type": "Tier1", "id": "t1", "bgp_flavour": true}"#.utf8))
        #expect(report.findings.map { "\($0.level.rawValue) \($0.ruleID) \($0.pointer)" } == ["note schema/unknown-field /bgp_flavour"])
    }

    @Test("a subtype is accepted where the spec's base is expected, and checked as itself")
    func subtypes() throws {
        // A Child wrapper of the base holding a subtype this NSX version adds (LBQuicProfile is
        // in no 4.2 model): only the subtype's own mistake is found.
        let infra = """
            {"resource_type": "Infra", "children": [
             {"resource_type": "ChildLBAppProfile", "LBAppProfile": {"resource_type": "LBQuicProfile", "id": "quic",
              "congestion_control": "RENO", "alpn": ["h3"], "limits": {"max_idle": 30}}}]}
            """
        let model3 = "NSX API specification openapi3.json, version 9.2.0"
        #expect(Self.findings(infra, try Self.ruleSet("openapi3.json")) == [
            "error schema/enum /children/0/LBAppProfile/congestion_control 3:25 'congestion_control' is \"RENO\", which is not allowed (allowed: CUBIC, BBR) (\(model3): LBQuicProfile.congestion_control)",
        ])
        // Without the spec the wrapper's content is a mismatch: the base is what the spec adds.
        #expect(Self.findings(infra, try RuleSet(packs: RuleSet.builtInPacks())).map { $0.components(separatedBy: " ").prefix(3).joined(separator: " ") }
                == ["error nsx/child-type-mismatch /children/0/LBAppProfile/resource_type"])
        // A list of the base (Service's service_entries) holds subtypes checked as themselves,
        // not held to the base's closed field list.
        let service = """
            {"resource_type": "Service", "id": "web", "service_entries": [
             {"resource_type": "L4PortSetServiceEntry", "id": "https", "l4_protocol": "TCP", "destination_ports": ["443"]},
             {"resource_type": "L4PortSetServiceEntry", "id": "bad", "l4_protocol": "SCTP"}]}
            """
        let model = "NSX API specification swagger2.json, version 9.1.0.0.0"
        #expect(Self.findings(service, try Self.ruleSet("swagger2.json")) == [
            "error schema/enum /service_entries/1/l4_protocol 3:73 'l4_protocol' is \"SCTP\", which is not allowed (allowed: TCP, UDP); did you mean 'TCP'? (\(model): L4PortSetServiceEntry.l4_protocol)",
        ])
    }

    @Test("required fields only where the spec says so")
    func required() throws {
        let infra = """
            {"resource_type": "LBQuicProfile", "id": "quic", "limits": {"stateless_reset": true}}
            """
        #expect(Self.findings(infra, try Self.ruleSet("openapi3.json")) == [
            "error schema/required /limits 1:60 QuicLimits requires 'max_idle'",
        ])
    }

    // MARK: Documents that are no NSX spec

    @Test("a document that is no usable spec is a ConfigurationError saying why, in words")
    func badInputs() {
        #expect(Self.importError("{\"definitions\": {\n  \"Tier1\": {\"properties\": }\n}}")
                == "specs/nsx_policy_api.json:2:27: the NSX API specification is not valid JSON: expected a value, found '}'")
        #expect(Self.importError("[1, 2]") == "specs/nsx_policy_api.json: the NSX API specification must be a JSON object (the OpenAPI document an NSX Manager serves)")
        #expect(Self.importError(#"{"swagger": "2.0", "paths": {}}"#)
                == #"specs/nsx_policy_api.json: the NSX API specification has neither "definitions" (Swagger 2.0) nor "components": {"schemas"} (OpenAPI 3): is it the document an NSX Manager serves at GET /api/v1/spec/openapi/nsx_policy_api.json?"#)
        #expect(Self.importError(#"{"definitions": []}"#) == "specs/nsx_policy_api.json:1:17: the specification's schemas must be an object of named schemas")
        #expect(Self.importError(#"{"definitions": {"IPAddress": {"type": "string"}}}"#)
                == "specs/nsx_policy_api.json: the NSX API specification defines no object types (none of its schemas has properties)")
        // A $ref to nothing: where, whose, and the name it probably means.
        #expect(Self.importError("""
            {"definitions": {
              "Tier0": {"type": "object", "properties": {"id": {"type": "string"}}},
              "Tier1": {"type": "object", "properties": {"tier0": {"$ref": "#/definitions/Tier00"}}}}}
            """) == "specs/nsx_policy_api.json:3:64: Tier1.tier0 refers to '#/definitions/Tier00', which the specification does not define; did you mean 'Tier0'?")
        #expect(Self.importError("""
            {"components": {"schemas": {"Segment": {"allOf": [{"$ref": "#/components/schemas/PolicyConfigResource"}]}}}}
            """) == "specs/nsx_policy_api.json:1:60: Segment refers to '#/components/schemas/PolicyConfigResource', which the specification does not define")
        #expect(Self.importError("""
            {"definitions": {"Segment": {"properties": {"x": {"items": {"$ref": "common.json#/definitions/Tag"}, "type": "array"}}}}}
            """) == "specs/nsx_policy_api.json:1:69: Segment.x refers to 'common.json#/definitions/Tag', which is not a schema of this document (only '#/definitions/NAME' or '#/components/schemas/NAME' can be followed)")
    }

    @Test("a cyclic allOf ends: each schema gets its bases' fields once")
    func cyclicAllOf() throws {
        let spec = """
            {"definitions": {
              "Loop": {"allOf": [{"$ref": "#/definitions/Loop"}, {"properties": {"a": {"type": "string"}}}]},
              "A": {"allOf": [{"$ref": "#/definitions/B"}], "properties": {"x": {"type": "string"}}},
              "B": {"allOf": [{"$ref": "#/definitions/A"}], "properties": {"y": {"$ref": "#/definitions/B"}}}}}
            """
        let text = try NSXSpecImport.pack(fromSpec: Array(spec.utf8), file: "loop.json")
        // Each type's field names, from its line.
        var fields: [String: Set<String>] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix(#"{"name":""#) {
            let doc = JSONParser.parse(Array((line.hasSuffix(",") ? line.dropLast() : line).utf8))
            fields[doc.string(doc.member(0, "name")!)] = Set(doc.members(doc.member(0, "fields")!).map { doc.string($0.key) })
        }
        #expect(fields == ["Loop": ["a"], "A": ["x", "y"], "B": ["x", "y"]])
        _ = try RuleSet(packs: RuleSet.builtInPacks() + [RulePackLoader.load(file: "loop.json", bytes: Array(text.utf8))])
    }

    @Test("a hostile nesting of schemas ends without exhausting the stack")
    func deepNesting() throws {
        let depth = 50_000
        let items = String(repeating: #"{"type": "array", "items": "#, count: depth) + #"{"type": "string"}"# + String(repeating: "}", count: depth)
        let inline = String(repeating: #"{"allOf": ["#, count: depth) + #"{"properties": {"z": {"type": "string"}}}"# + String(repeating: "]}", count: depth)
        let chain = (0..<500).map { ##""C\##($0)": {"allOf": [{"$ref": "#/definitions/C\##($0 + 1)"}], "properties": {"f\##($0)": {"type": "string"}}}"## }.joined(separator: ",")
        let spec = #"{"definitions": {"Deep": {"properties": {"list": \#(items)}}, "Inline": \#(inline), \#(chain), "C500": {"properties": {"end": {"type": "string"}}}}}"#
        let text = try NSXSpecImport.pack(fromSpec: Array(spec.utf8), file: "deep.json")
        #expect(text.contains(#"{"name":"Deep","#))
        // Only the first levels are read: a chain of five hundred bases gives its first 64.
        let c0 = try #require(text.split(separator: "\n").first { $0.hasPrefix(#"{"name":"C0","#) })
        #expect(c0.contains(#""f0":"#) && c0.contains(#""f10":"#) && !c0.contains(#""end":"#))
    }

    // MARK: The command line

    @Test("policylint --nsx-spec FILE checks against the appliance's spec, and a spec that cannot be used is exit 2")
    func commandLine() throws {
        let folder = try TemporaryFolder([
            "t1.json": #"{"resource_type": "Tier1", "id": "t", "failover_mode": "PREEMPTIVE_WITH_GRACE", "ha_mode": "HOT_STANDBY"}"#,
            "broken-spec.json": #"{"swagger": "2.0", "info": {"version": "1"}}"#,
        ])
        defer { folder.remove() }
        let spec = Golden.root.appendingPathComponent("testdata/nsx-spec/swagger2.json").path
        let exact = try CLI.run(["--nsx-spec", spec, "--format", "github", "t1.json"], in: folder.url)
        #expect(exact.status == 1)
        // The spec's newer enum value passes; a value it does not list is an error naming it.
        #expect(exact.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("::") } == [
            "::error file=t1.json,line=1,col=92,endLine=1,endColumn=105,title=schema/enum::'ha_mode' is \"HOT_STANDBY\", which is not allowed (allowed: ACTIVE_STANDBY, ACTIVE_ACTIVE) (NSX API specification swagger2.json, version 9.1.0.0.0: Tier1.ha_mode)",
        ], "\(exact.stdout)")
        // The built-in 4.2 model does not know the newer value: a warning, as another version may have it.
        let builtIn = try CLI.run(["--format", "github", "t1.json"], in: folder.url)
        #expect(builtIn.stdout.contains("::warning file=t1.json,line=1,col=56,endLine=1,endColumn=79,title=schema/enum::'failover_mode' is \"PREEMPTIVE_WITH_GRACE\", which is not among the values of the VMware NSX Policy API 4.2 model: Tier1.failover_mode"), "\(builtIn.stdout)")
        let missing = try CLI.run(["--nsx-spec", "absent.json", "t1.json"], in: folder.url)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read the NSX specification absent.json"), "\(missing.stderr)")
        let broken = try CLI.run(["--nsx-spec", "broken-spec.json", "t1.json"], in: folder.url)
        #expect(broken.status == 2)
        #expect(broken.stderr.hasPrefix("policylint: unusable NSX specification: broken-spec.json"), "\(broken.stderr)")
    }
}
