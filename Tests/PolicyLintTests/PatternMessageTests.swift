import Foundation
import Testing
@testable import PolicyLint

/// Findings say in words what a value should be: a user reads "is not a UUID", not the
/// regular expression a pack checks it with.
@Suite("Pattern messages")
struct PatternMessageTests {
    /// Text that only a regular expression would show.
    static let regexSyntax = ["^", "$)", "\\S", "[0-9", "{8}", "[^/]", "+$"]

    @Test("no finding on any invalid example of a built-in rule shows regular-expression syntax")
    func noExampleMessageShowsARegex() {
        var checked = 0
        for id in builtInRules.ruleOrder {
            let rule = builtInRules.rules[id]!
            for example in rule.examples where !example.isValid {
                let findings = id.hasPrefix("config/") ? lintConfigurationExample(example).findings : lintExample(example).findings
                for finding in findings {
                    checked += 1
                    for syntax in Self.regexSyntax {
                        #expect(!finding.message.contains(syntax), "\(id) example, \(finding.ruleID): \(finding.message)")
                    }
                }
            }
        }
        #expect(checked > 100, "the examples were linted")
    }

    @Test("every pattern of a built-in pack says what it means")
    func everyBuiltInPatternHasAMeaning() {
        var patterns = 0
        func visit(_ field: FieldSpec, _ place: String) {
            if field.pattern != nil {
                patterns += 1
                #expect(field.patternMeaning?.isEmpty == false, "\(place) has a pattern without patternMeaning")
                for syntax in Self.regexSyntax {
                    #expect(field.patternMeaning?.contains(syntax) != true, "\(place): \(field.patternMeaning ?? "")")
                }
            }
            if let items = field.items { visit(items, place + "[]") }
        }
        for (name, type) in builtInRules.types {
            for (fieldName, field) in type.fields { visit(field, "\(name).\(fieldName)") }
        }
        #expect(patterns >= 10)
    }

    static func lint(_ json: String, kind: String? = nil, rules: RuleSet = builtInRules) -> [Finding] {
        Linter(ruleSet: rules, options: LintOptions(kind: kind)).lint(file: "x.json", bytes: Array(json.utf8)).findings
    }

    @Test("a pattern finding names the expected value in words and where the whitespace is",
          arguments: [
            (#"{"name": "a b"}"#, "sps.audit_policy", "schema/pattern",
             #"'name' is "a b", which is not a name without whitespace: it contains a space at character 2"#),
            (#"{"name": "nightly\tarchive  all", "target": {"type": "none"}, "retention_days": 30}"#, "sps.archive_cleanup_policy", "schema/pattern",
             "'name' is \"nightly\tarchive  all\", which is not a name without whitespace: it contains a tab at character 8 (and 2 more whitespace characters)"),
            (#"{"name": "é\u00a0x"}"#, "sps.audit_policy", "schema/pattern",
             "'name' is \"é\u{00A0}x\", which is not a name without whitespace: it contains a U+00A0 whitespace character at character 2"),
            (#"{"resource_type": "PolicyBasedIPSecVPNSession", "ike_profile_id": "abc"}"#, nil, "nsx/profile-id-uuid",
             #"'ike_profile_id' is "abc", which is not a UUID (8-4-4-4-12 hexadecimal digits)"#),
            // Whitespace is not all that is wrong here: only the meaning is given.
            (#"{"resource_type": "PolicyBasedIPSecVPNSession", "dpd_profile_id": "6a6f1b1e 8c2d"}"#, nil, "nsx/profile-id-uuid",
             #"'dpd_profile_id' is "6a6f1b1e 8c2d", which is not a UUID (8-4-4-4-12 hexadecimal digits)"#),
            (#"{"name": "sign", "signing": {"enabled": true, "x509_identity": {"key": "abc", "meta": {"href": "/api/configuration/policies/x509/abc"}}}}"#, "sps.audit_policy", "schema/pattern",
             #"'href' is "/api/configuration/policies/x509/abc", which is not a certificate path (/api/configuration/x509/<key>)"#),
          ] as [(String, String?, String, String)])
    func patternMessage(_ json: String, _ kind: String?, _ rule: String, _ expected: String) throws {
        let findings = Self.lint(json, kind: kind).filter { $0.ruleID == rule }
        #expect(findings.map(\.message) == [expected])
    }

    /// A wrong type is named once: a scalar with its value, a container or null by its kind alone
    /// ("not an object", which once read "not an object an object").
    @Test func aWrongTypeIsNamedOnce() {
        let findings = Self.lint(#"{"resource_type": "SecurityPolicy", "stateful": null, "scope": {"a": 1}, "display_name": ["x"], "category": 5, "tcp_strict": "yes"}"#)
        #expect(findings.filter { $0.ruleID == "schema/type" }.map(\.message) == [
            "'stateful' must be a boolean, not null",
            "'scope' must be an array, not an object",
            "'display_name' must be a string, not an array",
            "'category' must be a string, not an integer 5",
            "'tcp_strict' must be a boolean, not a string \"yes\"",
        ])
    }

    static func pack(_ field: String) throws -> RulePack {
        try RulePackLoader.load(file: "acme.json", bytes: Array(#"""
            {"pack": "acme", "types": [{"name": "acme.Thing", "fields": {"code": \#(field)}}]}
            """#.utf8))
    }

    @Test func aPackWithoutAMeaningGetsItsOwnPatternQuoted() throws {
        let rules = try RuleSet(packs: try RuleSet.builtInPacks() + [try Self.pack(#"{"type": "string", "pattern": "^[A-Z]{3}$"}"#)])
        let findings = Self.lint(#"{"code": "ab"}"#, kind: "acme.Thing", rules: rules)
        #expect(findings.map(\.message) == [#"'code' is "ab", which does not match the pattern ^[A-Z]{3}$"#])
    }

    @Test func aSecretsValueAndThePlaceOfItsWhitespaceAreNotShown() throws {
        let rules = try RuleSet(packs: try RuleSet.builtInPacks() + [try Self.pack(#"{"type": "string", "secret": true, "pattern": "^\\S+$", "patternMeaning": "a key without whitespace"}"#)])
        let findings = Self.lint(#"{"code": "hunter 2"}"#, kind: "acme.Thing", rules: rules)
        #expect(findings.filter { $0.ruleID == "schema/pattern" }.map(\.message) == ["'code' is a string of 8 characters, which is not a key without whitespace"])
        #expect(!findings.contains { $0.message.contains("hunter") || $0.message.contains("character 7") })
    }

    @Test("patternMeaning is loaded strictly", arguments: [
        (#"{"type": "string", "patternMeaning": "a code"}"#, "give \"pattern\" too"),
        (#"{"type": "string", "pattern": "^x$", "patternMeaning": 3}"#, "patternMeaning"),
        (#"{"type": "string", "pattern": "^x$", "patternMeaning": " "}"#, "in words"),
        (#"{"type": "string", "pattern": "^x$", "patternMeening": "a code"}"#, "patternMeening"),
    ])
    func strictlyLoaded(_ field: String, _ fragment: String) {
        do {
            _ = try Self.pack(field)
            Issue.record("loaded: \(field)")
        } catch {
            #expect("\(error)".contains(fragment), "\(error)")
        }
    }
}
