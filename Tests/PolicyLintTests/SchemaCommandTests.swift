import Foundation
import Testing

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
