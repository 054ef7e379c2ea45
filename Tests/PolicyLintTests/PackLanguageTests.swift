import Testing
@testable import PolicyLint

/// The pack language's paths, comparisons, counts and message values, and the load errors
/// that keep a misspelt path from silently never matching.
@Suite("Pack language: paths, comparisons, counts, values")
struct PackLanguageTests {
    /// A pack with one rule and one type recognised by `resource_type: "Acme"`, whose fields and
    /// conditions are given as JSON text.
    static func pack(fields: String, conditions: String, closed: Bool = true) throws -> RulePack {
        try RulePackLoader.load(file: "acme.json", bytes: Array("""
        {"pack": "acme",
         "rules": [{"id": "acme/check", "level": "error", "summary": "s", "explanation": "e", "source": "test"}],
         "types": [
          {"name": "Acme", "recognize": {"resource_type": "Acme"}, "closed": \(closed),
           "fields": \(fields),
           "conditions": \(conditions)},
          {"name": "acme.Inner", "closed": true, "fields": {"enabled": {"type": "boolean"}, "items": {"type": "array"}}}
         ]}
        """.utf8))
    }

    static let fields = #"{"resource_type": {"type": "string"}, "low": {"type": "integer"}, "high": {"type": "integer"}, "ports": {"type": "array"}, "inner": {"type": "object", "member": "acme.Inner"}}"#

    static func findings(_ conditions: String, _ json: String) throws -> [Finding] {
        let rules = try RuleSet(packs: try RuleSet.builtInPacks() + [try pack(fields: fields, conditions: conditions)])
        return Linter(ruleSet: rules).lint(file: "a.json", bytes: Array(json.utf8)).findings.filter { $0.ruleID == "acme/check" }
    }

    static func loadError(_ conditions: String, closed: Bool = true) -> String? {
        do {
            _ = try RuleSet(packs: try RuleSet.builtInPacks() + [try pack(fields: fields, conditions: conditions, closed: closed)])
            return nil
        } catch let error as ConfigurationError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    @Test func aDottedNameIsALoadErrorThatNamesThePath() {
        let conditions = #"[{"rule": "acme/check", "when": {"field": "inner.enabled", "equals": true}, "message": "m"}]"#
        #expect(Self.loadError(conditions) == "acme.json:6:60: 'inner.enabled' is not a field of Acme: a path is written with '/'; did you mean 'inner/enabled'?")
        // Also on an open type: the dotted name would never match.
        #expect(Self.loadError(conditions, closed: false)?.hasSuffix("did you mean 'inner/enabled'?") == true)
    }

    @Test func aFieldAClosedTypeDoesNotDeclareIsALoadError() {
        #expect(Self.loadError(#"[{"rule": "acme/check", "when": {"field": "inner/enabeld", "equals": true}, "message": "m"}]"#)
                == "acme.json:6:60: 'inner/enabeld': acme.Inner has no field 'enabeld'; did you mean 'inner/enabled'?")
        #expect(Self.loadError(#"[{"rule": "acme/check", "when": {"field": "low", "present": true}, "require": ["hihg"], "message": "m"}]"#)
                == "acme.json:6:97: 'hihg': Acme has no field 'hihg'")
        #expect(Self.loadError(#"[{"rule": "acme/check", "when": {"field": "inner//enabled", "present": true}, "message": "m"}]"#)?
                    .contains("field 'inner//enabled' is not a field path") == true)
    }

    @Test func pathsReachNestedFields() throws {
        let conditions = #"[{"rule": "acme/check", "when": {"field": "inner/enabled", "equals": true}, "at": "inner/enabled", "message": "{field} is {value}"}]"#
        let found = try Self.findings(conditions, #"{"resource_type": "Acme", "inner": {"enabled": true}}"#)
        #expect(found.map { "\($0.start.column) \($0.message)" } == ["48 inner/enabled is true"])
        #expect(try Self.findings(conditions, #"{"resource_type": "Acme", "inner": {"enabled": false}}"#).isEmpty)
        #expect(try Self.findings(conditions, #"{"resource_type": "Acme"}"#).isEmpty)
    }

    @Test func twoFieldsAreCompared() throws {
        let conditions = #"[{"rule": "acme/check", "when": {"field": "low", "greaterThanField": "high"}, "at": "low", "message": "low is {value}, above high"}]"#
        #expect(try Self.findings(conditions, #"{"resource_type": "Acme", "low": 9, "high": 3}"#).map(\.message) == ["low is 9, above high"])
        #expect(try Self.findings(conditions, #"{"resource_type": "Acme", "low": 3, "high": 9}"#).isEmpty)
        #expect(try Self.findings(conditions, #"{"resource_type": "Acme", "low": 3}"#).isEmpty)
    }

    @Test func rangesCountTwiceAgainstALimit() throws {
        let conditions = #"[{"rule": "acme/check", "when": {"not": {"field": "ports", "countAtMost": 4, "rangeWeight": 2}}, "at": "ports", "message": "more than {limit} values"}]"#
        #expect(try Self.findings(conditions, #"{"resource_type": "Acme", "ports": ["1", "2", "3", "4"]}"#).isEmpty)
        #expect(try Self.findings(conditions, #"{"resource_type": "Acme", "ports": ["1-9", "2", "3"]}"#).isEmpty, "a range counts as two: 4 values")
        #expect(try Self.findings(conditions, #"{"resource_type": "Acme", "ports": ["1-9", "2-3", "4"]}"#).map(\.message) == ["more than 4 values"])
    }

    @Test func atLeastOneOfSeveralPathsIsNonEmpty() throws {
        let conditions = #"[{"rule": "acme/check", "when": {"not": {"anyNonEmpty": ["ports", "inner/items"]}}, "message": "nothing listed"}]"#
        #expect(try Self.findings(conditions, #"{"resource_type": "Acme", "ports": [], "inner": {"items": ["x"]}}"#).isEmpty)
        #expect(try Self.findings(conditions, #"{"resource_type": "Acme", "ports": [], "inner": {"items": []}}"#).count == 1)
    }

    @Test func theSessionTimeoutNoteSaysTheValue() throws {
        let body = #"{"resource_type": "ApiServiceConfig", "session_timeout": 1800}"#
        let note = Linter(ruleSet: builtInRules).lint(file: "api.json", bytes: Array(body.utf8)).findings.first { $0.ruleID == "hygiene/session-timeout" }
        #expect(note?.message.hasPrefix("session_timeout is 1800 seconds, above 300:") == true)
    }
}

/// References and uniqueness are pack data: a type a pack adds gets `xref/dangling` and
/// `dup/sequence-number` with no Swift of its own.
@Suite("Pack language: references and uniqueness")
struct ReferencesAndUniquenessTests {
    static let pack = """
    {"pack": "acme-lb",
     "collections": [{"segment": "pools", "types": ["AcmePool"]}, {"segment": "acme-vips", "types": ["AcmeVip"]}],
     "types": [
      {"name": "AcmeVip", "recognize": {"resource_type": "AcmeVip"},
       "unique": [{"field": "port", "alsoBy": ["protocol"], "rule": "dup/sequence-number",
                   "message": "another {type} of the same gateway listens on {value}"}],
       "fields": {"pool_path": {"type": "string", "references": "pools"}, "port": {"type": "integer"}, "protocol": {"type": "string"}}}
     ]}
    """

    static func lint(_ files: [(String, String)]) throws -> [FileReport] {
        let rules = try RuleSet(packs: try RuleSet.builtInPacks() + [try RulePackLoader.load(file: "acme-lb.json", bytes: Array(Self.pack.utf8))])
        return Linter(ruleSet: rules).lint(bundle: files.map { (name: $0.0, bytes: Array($0.1.utf8)) })
    }

    @Test func aNewTypesReferenceAndUniqueKeyWorkFromThePackAlone() throws {
        let pools = #"{"results": [{"resource_type": "AcmePool", "id": "web", "path": "/infra/pools/web"}]}"#
        let vips = """
        {"results": [
          {"resource_type": "AcmeVip", "id": "a", "path": "/infra/tier-1s/t1/acme-vips/a", "pool_path": "/infra/pools/web", "port": 443, "protocol": "TCP"},
          {"resource_type": "AcmeVip", "id": "b", "path": "/infra/tier-1s/t1/acme-vips/b", "pool_path": "/infra/pools/wbe", "port": 443, "protocol": "TCP"},
          {"resource_type": "AcmeVip", "id": "c", "path": "/infra/tier-1s/t1/acme-vips/c", "pool_path": "/infra/pools/web", "port": 443, "protocol": "UDP"}
        ]}
        """
        let reports = try Self.lint([("pools.json", pools), ("vips.json", vips)])
        let found = reports[1].findings.map { "\($0.start.line):\($0.start.column) \($0.ruleID) \($0.message)" }
        #expect(found == [
            "3:97 xref/dangling /infra/pools/wbe is not defined in this run's files, which do define pools; did you mean /infra/pools/web?",
            "3:125 dup/sequence-number another AcmeVip of the same gateway listens on 443",
        ])
    }

    @Test func aUniqueKeyOnAFieldTheTypeLacksIsALoadError() {
        let broken = Self.pack.replacingOccurrences(of: #""alsoBy": ["protocol"]"#, with: #""alsoBy": ["protocl"]"#)
        #expect(throws: ConfigurationError.self) {
            _ = try RuleSet(packs: try RuleSet.builtInPacks() + [try RulePackLoader.load(file: "acme-lb.json", bytes: Array(broken.utf8))])
        }
    }
}

@Suite("Pack language: subtypes")
struct SubtypeTests {
    @Test func aChildWrapperHoldsASubtypeAPackDeclares() throws {
        let pack = #"""
        {"pack": "acme-sub", "types": [
          {"name": "AcmeBase", "recognize": {"resource_type": "AcmeBase"}},
          {"name": "AcmeSpecial", "recognize": {"resource_type": "AcmeSpecial"}, "base": "AcmeBase"}]}
        """#
        let rules = try RuleSet(packs: try RuleSet.builtInPacks() + [try RulePackLoader.load(file: "acme-sub.json", bytes: Array(pack.utf8))])
        let body = #"{"resource_type": "Infra", "children": [{"resource_type": "ChildAcmeBase", "AcmeBase": {"resource_type": "AcmeSpecial", "id": "a"}}]}"#
        #expect(Linter(ruleSet: rules).lint(file: "a.json", bytes: Array(body.utf8)).findings.filter { $0.ruleID == "nsx/child-type-mismatch" }.isEmpty)
        #expect(Linter(ruleSet: builtInRules).lint(file: "a.json", bytes: Array(body.utf8)).findings.contains { $0.ruleID == "nsx/child-type-mismatch" })
    }

    @Test func aBaseNoPackOrModelKnowsIsALoadError() {
        let pack = #"{"pack": "acme-sub", "types": [{"name": "AcmeSpecial", "recognize": {"resource_type": "AcmeSpecial"}, "base": "IPSecVpnSesion"}]}"#
        #expect(throws: ConfigurationError.self) {
            _ = try RuleSet(packs: try RuleSet.builtInPacks() + [try RulePackLoader.load(file: "acme-sub.json", bytes: Array(pack.utf8))])
        }
    }
}
