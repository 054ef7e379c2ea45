import Foundation
import Testing
@testable import PolicyLint

/// `policylint schema`: a JSON Schema (draft 2020-12) of the packs' types, for an editor.
@Suite("Schema command", .serialized)
struct SchemaCommandTests {
    /// The schema the command writes for these types, parsed.
    static func schema(_ types: [String]) throws -> [String: Any] {
        let r = try CLI.run(["schema"] + types)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasSuffix("}\n"))
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    static func definition(_ name: String, in schema: [String: Any]) throws -> [String: Any] {
        let defs = try #require(schema["$defs"] as? [String: Any])
        return try #require(defs[name] as? [String: Any], "no $defs entry \(name)")
    }

    static func property(_ field: String, of type: String, in schema: [String: Any]) throws -> [String: Any] {
        let properties = try #require(try definition(type, in: schema)["properties"] as? [String: Any])
        return try #require(properties[field] as? [String: Any], "\(type) has no property \(field)")
    }

    @Test func securityPolicyHasTheCategoriesAClosedFieldListAndItsRulesByReference() throws {
        let schema = try Self.schema(["SecurityPolicy"])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["$ref"] as? String == "#/$defs/SecurityPolicy")
        let policy = try Self.definition("SecurityPolicy", in: schema)
        #expect(policy["type"] as? String == "object")
        #expect(policy["additionalProperties"] as? Bool == false)
        #expect((policy["description"] as? String)?.contains("VMware NSX Policy API 4.2 model") == true)
        let category = try Self.property("category", of: "SecurityPolicy", in: schema)
        #expect(category["enum"] as? [String] == ["Ethernet", "Emergency", "Infrastructure", "Environment", "Application"])
        // A member type becomes a $ref that resolves to a $defs entry.
        let rules = try Self.property("rules", of: "SecurityPolicy", in: schema)
        let items = try #require(rules["items"] as? [String: Any])
        let ref = try #require(items["$ref"] as? String)
        #expect(ref == "#/$defs/Rule")
        let rule = try Self.definition(String(ref.dropFirst("#/$defs/".count)), in: schema)
        #expect(rule["type"] as? String == "object")
    }

    @Test func aModelTypeHasItsEnumsAndEveryReferenceResolves() throws {
        let schema = try Self.schema(["Tier1"])
        let failover = try Self.property("failover_mode", of: "Tier1", in: schema)
        #expect(failover["enum"] as? [String] == ["PREEMPTIVE", "NON_PREEMPTIVE"])
        let tier1 = try Self.definition("Tier1", in: schema)
        #expect(tier1["additionalProperties"] as? Bool == false)
        #expect((tier1["description"] as? String)?.contains("model") == true)
        // Every $ref anywhere names a $defs entry.
        let defs = try #require(schema["$defs"] as? [String: Any])
        var refs: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let ref = object["$ref"] as? String { refs.append(ref) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(schema)
        #expect(refs.count > 1)
        for ref in refs {
            #expect(ref.hasPrefix("#/$defs/") && defs[String(ref.dropFirst("#/$defs/".count))] != nil, "\(ref)")
        }
    }

    @Test func withoutATypeTheRootOffersEveryRecognisedTypeAndTheSPSKinds() throws {
        let schema = try Self.schema([])
        let anyOf = try #require(schema["anyOf"] as? [[String: String]])
        let refs = Set(anyOf.compactMap { $0["$ref"] })
        for name in ["SecurityPolicy", "Group", "Tier1", "sps.audit_policy", "sps.channel_policy"] {
            #expect(refs.contains("#/$defs/\(name)"), "\(name)")
        }
        let again = try CLI.run(["schema"])
        #expect(again.stdout == (try CLI.run(["schema"]).stdout), "the output is the same on every run")
    }

    /// Compares parsed JSON values exactly, as Foundation's property lists do.
    static func same(_ actual: Any?, _ expected: Any) -> Bool {
        guard let actual else { return false }
        return NSArray(array: [actual]).isEqual(to: [expected])
    }

    /// The linter passes over a policy's sequence number when it is NSX's own default section:
    /// a schema that held it to 0–999,999 everywhere rejected real exports the linter passes.
    @Test func anExemptFieldIsHeldToItsRangeOnlyWhereTheExemptionDoesNotHold() throws {
        let schema = try Self.schema(["SecurityPolicy"])
        #expect(Self.same(try Self.property("sequence_number", of: "SecurityPolicy", in: schema), [String: Any]()))
        let policy = try Self.definition("SecurityPolicy", in: schema)
        let exemption: [String: Any] = ["anyOf": [
            ["properties": ["is_default": ["enum": [true]]], "required": ["is_default"]],
            ["properties": ["_system_owned": ["enum": [true]]], "required": ["_system_owned"]],
        ]]
        let range: [String: Any] = ["properties": ["sequence_number": ["maximum": 999999, "minimum": 0, "type": "integer"]]]
        #expect(Self.same(policy["allOf"], [["anyOf": [exemption, range]]]))
    }

    /// The packs' conditions of the generic required rule are requirements of the appliance's
    /// schema: a signing policy that is enabled needs its certificate.
    @Test func aConditionalRequirementIsAnIfThenAndAFindingOfItsOwnANot() throws {
        let schema = try Self.schema(["sps.audit_policy"])
        let notEmpty: [String: Any] = ["not": ["anyOf": [
            ["type": "null"], ["maxLength": 0, "type": "string"], ["maxItems": 0, "type": "array"], ["maxProperties": 0, "type": "object"],
        ]]]
        let enabled: [String: Any] = ["properties": ["enabled": ["enum": [true]]], "required": ["enabled"]]
        let signing = try Self.definition("sps.AuditSigning", in: schema)
        #expect(Self.same(signing["allOf"], [["if": enabled, "then": ["properties": ["x509_identity": notEmpty], "required": ["x509_identity"]]]]))
        let encryption = try Self.definition("sps.AuditEncryption", in: schema)
        #expect(Self.same(encryption["allOf"], [
            ["not": ["allOf": [enabled, ["not": ["required": ["certificates"]]]]]],
            ["if": enabled, "then": ["properties": ["different_certificates_for_upstream": notEmpty], "required": ["different_certificates_for_upstream"]]],
        ]))
    }

    /// The linter only warns of a long rule tag (NSX cuts it): the schema says the limit and
    /// does not reject a body the linter passes.
    @Test func aLimitUnderAWarningRuleIsDescribedNotEnforced() throws {
        let tag = try Self.property("tag", of: "Rule", in: try Self.schema(["Rule"]))
        #expect(!Self.same(tag, ["type": "string"]), "the comparison sees a missing member")
        #expect(Self.same(tag, ["type": "string", "description": "A rule tag longer than 32 characters is cut by NSX. (nsx/rule-tag-length, warning: at most 32 characters)"]))
    }

    /// An audit interval may be written as a string of digits, which the linter holds to the
    /// same range as a number.
    @Test func aWholeNumberWrittenAsDigitsIsHeldToTheRange() throws {
        let interval = try Self.property("signing_and_timestamping_interval", of: "sps.audit_policy", in: try Self.schema(["sps.audit_policy"]))
        #expect(Self.same(interval, [
            "anyOf": [["type": "integer"], ["type": "string", "pattern": "^0*(?:[1-9][0-9]|[1-9][0-9]{2}|[1-9][0-9]{3}|[1-9][0-9]{4}|100000)$"]],
            "minimum": 10, "maximum": 100000,
        ]))
    }

    @Test("the pattern of a range of digits matches exactly the numbers in it",
          arguments: [(0, 0), (0, 9), (7, 385), (10, 100000), (99, 1001), (123, 4567), (5, 5)])
    func digitsPatternMatchesExactlyTheRange(low: Int, high: Int) throws {
        let pattern = try #require(JSONSchemaWriter.digitsPattern(minimum: Double(low), maximum: Double(high)))
        let regex = try Regex(pattern)
        for n in 0...max(12_000, high + 100) where n <= 2_000 || n % 7 == 0 || n == high || n == high + 1 {
            #expect(("\(n)".wholeMatch(of: regex) != nil) == (low...high).contains(n), "\(pattern) on \(n)")
        }
        #expect(("000\(low)".wholeMatch(of: regex) != nil), "leading zeros are read as the number")
    }

    @Test func anUnknownTypeIsAUsageErrorWithASuggestion() throws {
        let r = try CLI.run(["schema", "SecurityPolicx"])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("no type 'SecurityPolicx'"))
        #expect(r.stderr.contains("did you mean SecurityPolicy?"))
        #expect(try CLI.run(["schema", "--format", "text", "Tier1"]).status == 2)
    }

    @Test func helpNamesTheCommand() throws {
        #expect(try CLI.run(["--help"]).stdout.contains("policylint schema [TYPE...]"))
    }
}
