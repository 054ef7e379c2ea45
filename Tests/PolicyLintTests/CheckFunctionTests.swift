import Foundation
import Testing
@testable import PolicyLint

/// Check functions as packs name them: strictly loaded, run on member types, and attachable to
/// a type no built-in pack knows.
@Suite("Check functions")
struct CheckFunctionTests {
    static func pack(_ text: String, file: String = "acme.json") throws -> RulePack {
        try RulePackLoader.load(file: file, bytes: Array(text.utf8))
    }

    static func lint(_ json: String, kind: String? = nil, rules: RuleSet) -> [Finding] {
        Linter(ruleSet: rules, options: LintOptions(mode: .authored, kind: kind)).lint(file: "x.json", bytes: Array(json.utf8)).findings
    }

    /// A time policy's day lists, on a type no built-in pack declares.
    static let shiftPack = #"""
        {"pack": "acme", "types": [{"name": "acme.Shift", "recognize": {"hasAll": ["shift"]},
          "checks": [{"function": "time-intervals-in-order", "rule": "sps/time-interval-order", "options": {"days": ["weekday", "weekend"]}}]}]}
        """#

    @Test func anExistingFunctionAttachedToANewTypeReports() throws {
        let rules = try RuleSet(packs: try RuleSet.builtInPacks() + [try Self.pack(Self.shiftPack)])
        let findings = Self.lint(#"{"shift": "night", "weekday": [["22:00", "6:00"]], "weekend": [["8:00", "12:00"]], "holiday": [["9:00", "8:00"]]}"#, rules: rules)
        #expect(findings.map(\.ruleID) == ["sps/time-interval-order"])
        #expect(findings.first?.message == "the weekday interval 22:00–6:00 ends before it starts; write the start time first and the end time second")
        #expect(findings.first?.pointer == "/weekday/0")
    }

    @Test func aFunctionRunsOnAMemberType() throws {
        let pack = try Self.pack(#"""
            {"pack": "acme", "types": [
              {"name": "acme.Roster", "recognize": {"hasAll": ["roster"]}, "fields": {"hours": {"type": "object", "member": "acme.Hours"}}},
              {"name": "acme.Hours", "checks": [{"function": "time-intervals-in-order", "rule": "sps/time-interval-order", "options": {"days": ["Sun"]}}]}]}
            """#)
        let rules = try RuleSet(packs: try RuleSet.builtInPacks() + [pack])
        let findings = Self.lint(#"{"roster": "a", "hours": {"Sun": [["10:00", "10:00"]]}}"#, rules: rules)
        #expect(findings.map(\.ruleID) == ["sps/time-interval-order"])
        #expect(findings.first?.pointer == "/hours/Sun/0")
        #expect(findings.first?.message.contains("starts and ends at the same time") == true)
    }

    @Test func aUseReportsOnlyTheRulesItNamesWithItsMessage() throws {
        let pack = try Self.pack(#"""
            {"pack": "acme", "types": [{"name": "acme.Proxy", "recognize": {"hasAll": ["proxy"]},
              "checks": [{"function": "tls-hygiene", "rule": "tls/deprecated-protocol", "options": {"protocolVersions": "versions"},
                          "message": "the proxy still speaks an old protocol"}]}]}
            """#)
        let rules = try RuleSet(packs: try RuleSet.builtInPacks() + [pack])
        let findings = Self.lint(#"{"proxy": true, "versions": ["TLSv1", "TLSv1.2"]}"#, rules: rules)
        // Not tls/tls13-disabled, which the function also finds here.
        #expect(findings.map(\.ruleID) == ["tls/deprecated-protocol"])
        #expect(findings.map(\.message) == ["the proxy still speaks an old protocol"])
        #expect(findings.first?.pointer == "/versions/0")
    }

    @Test func aUseMayHoldItsObjectsToAStricterTLSProfileThanTheRun() throws {
        let pack = try Self.pack(#"""
            {"pack": "acme", "types": [{"name": "acme.Edge", "recognize": {"hasAll": ["edge", "cipher_suites", "protocol_versions"]},
              "checks": [{"function": "tls-hygiene", "rule": "tls/weak-cipher", "options": {"profile": "modern"}}]}]}
            """#)
        let rules = try RuleSet(packs: try RuleSet.builtInPacks() + [pack])
        // Fine for the run's intermediate profile (rules/tls.json's own check), not for the edge's.
        let findings = Self.lint(#"{"edge": 1, "ciphers": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"], "protocol_versions": ["TLSv1.2", "TLSv1.3"]},"#
                                 + #" "cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"], "protocol_versions": ["TLSv1.2", "TLSv1.3"]}"#, rules: rules)
        #expect(findings.map(\.ruleID) == ["tls/weak-cipher"])
        #expect(findings.map(\.pointer) == ["/cipher_suites/0"])
        #expect(findings.first?.message.contains("outside the modern profile") == true)
    }

    @Test func aCheckRunsOnlyWhenItsPredicateHolds() throws {
        let pack = try Self.pack(#"""
            {"pack": "acme", "types": [{"name": "acme.Shift", "recognize": {"hasAll": ["shift"]},
              "checks": [{"function": "time-intervals-in-order", "rule": "sps/time-interval-order", "options": {"days": ["weekday"]},
                          "when": {"field": "shift", "notEquals": "night"}}]}]}
            """#)
        let rules = try RuleSet(packs: try RuleSet.builtInPacks() + [pack])
        #expect(Self.lint(#"{"shift": "night", "weekday": [["22:00", "6:00"]]}"#, rules: rules).isEmpty)
        #expect(Self.lint(#"{"shift": "day", "weekday": [["22:00", "6:00"]]}"#, rules: rules).map(\.ruleID) == ["sps/time-interval-order"])
    }

    @Test func aSecretFieldOfACustomPackIsMaskedAndReportedAnywhere() throws {
        let pack = try Self.pack(#"""
            {"pack": "acme", "types": [{"name": "acme.Vault", "recognize": {"hasAll": ["vault"]},
              "fields": {"api_key": {"type": "string", "secret": true}}}]}
            """#)
        let rules = try RuleSet(packs: try RuleSet.builtInPacks() + [pack])
        let findings = Self.lint(#"{"elsewhere": {"api_key": "hunter2-hunter2"}}"#, rules: rules)
        let plaintext = try #require(findings.first { $0.ruleID == "secret/plaintext" })
        #expect(plaintext.pointer == "/elsewhere/api_key")
        #expect(!findings.contains { $0.message.contains("hunter2") || ($0.excerpt?.text.contains("hunter2") ?? false) })
    }

    @Test("a check is loaded strictly, with its position and a did-you-mean", arguments: [
        (#"{"function": "time-interval-in-order", "rule": "sps/time-interval-order"}"#, "1:75",
         "unknown check function 'time-interval-in-order' (known: address-literals, any-alone, credential, group-expression, href-ends-with-key, list-complete, listed-value, path-ends-with-id, policy-rules, port-values, resource-type-known, rule-hygiene, rulebase, time-intervals-in-order, tls-hygiene, token-value); did you mean 'time-intervals-in-order'?"),
        (#"{"function": "time-intervals-in-order", "rule": "sps/time-interval-order", "options": {"day": ["Mon"]}}"#, "1:149",
         "unknown option 'day' of check function 'time-intervals-in-order' (it takes days); did you mean 'days'?"),
        (#"{"function": "time-intervals-in-order", "rule": "sps/time-interval-ordre", "options": {"days": ["Mon"]}}"#, "1:110",
         "check function 'time-intervals-in-order' does not report 'sps/time-interval-ordre' (it reports sps/time-interval-order); did you mean 'sps/time-interval-order'?"),
        (#"{"function": "time-intervals-in-order", "rule": "sps/time-interval-order", "options": {"days": "Mon"}}"#, "1:157",
         "option 'days' must be an array of strings"),
        (#"{"function": "time-intervals-in-order", "rule": "sps/time-interval-order"}"#, "1:62",
         "check function 'time-intervals-in-order' needs the option 'days': the fields holding a day's list of intervals, as messages name the day"),
        (#"{"function": "tls-hygiene", "rules": ["tls/weak-cipher", "tls/unknown-cipher"], "message": "x", "options": {}}"#, "1:153",
         "a message replaces the findings' own: only for a check that reports one rule"),
        (#"{"function": "credential", "rule": "secret/plaintext"}"#, "1:75",
         "check function 'credential' is given a member, not an object: name it in the pack's \"documentChecks\" with \"given\""),
        (#"{"function": "tls-hygiene", "rule": "tls/weak-cipher", "options": {"profile": "moderm"}}"#, "1:140",
         "option 'profile' is 'moderm', which is not one of run, modern, intermediate, legacy; did you mean 'modern'?"),
        (#"{"function": "tls-hygiene", "rule": "tls/weak-cipher", "optoins": {}}"#, "1:117",
         "unknown key 'optoins' in a check (allowed: function, rule, rules, options, when, mode, message); did you mean 'options'?"),
    ] as [(String, String, String)])
    func strictlyLoaded(_ check: String, _ position: String, _ message: String) {
        let text = #"{"pack": "acme", "types": [{"name": "acme.Shift", "checks": ["# + check + "]}]}"
        do {
            _ = try Self.pack(text)
            Issue.record("loaded: \(check)")
        } catch {
            #expect("\(error)" == "acme.json:\(position): \(message)")
        }
    }

    @Test("a document check is loaded strictly", arguments: [
        (#"{"function": "credential", "rule": "secret/plaintext"}"#,
         "acme.json:1:37: a document check needs \"given\": the members or objects it runs on"),
        (#"{"given": {"members": ["pin"]}, "function": "tls-hygiene", "rule": "tls/weak-cipher"}"#,
         "acme.json:1:47: check function 'tls-hygiene' is given an object: use \"objectsWith\""),
        (#"{"given": {"anyString": true}, "function": "credential", "rule": "secret/plaintext"}"#,
         "acme.json:1:61: check function 'credential' cannot pick string values; give it \"members\""),
        (#"{"given": {"members": ["pin"], "valueTyp": "string"}, "function": "credential", "rule": "secret/plaintext"}"#,
         "acme.json:1:68: unknown key 'valueTyp' in given (allowed: members, objectsWith, anyString, valueType, secret, marksConfiguration); did you mean 'valueType'?"),
    ] as [(String, String)])
    func documentChecksStrictlyLoaded(_ check: String, _ message: String) {
        do {
            _ = try Self.pack(#"{"pack": "acme", "documentChecks": ["# + check + "]}")
            Issue.record("loaded: \(check)")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func aRuleNoPackDeclaresIsAnErrorAtTheCheck() throws {
        // The function may report the rule, but this set of packs leaves out the one declaring it.
        let pack = try Self.pack(Self.shiftPack)
        let withoutTime = try RuleSet.builtInPacks().filter { !$0.rules.contains { $0.id == "sps/time-interval-order" } }
        #expect(throws: ConfigurationError.self) { try RuleSet(packs: withoutTime + [pack]) }
        do {
            _ = try RuleSet(packs: withoutTime + [pack])
        } catch {
            #expect("\(error)".hasPrefix("acme.json:2:14: check function 'time-intervals-in-order' is named with rule 'sps/time-interval-order', which no pack declares"))
        }
    }

    @Test func everyFunctionsRulesAreDeclaredAndNamedByABuiltInPack() throws {
        let named = Set(builtInRules.types.values.flatMap(\.checks).map(\.function.name) + builtInRules.documentChecks.map(\.function.name) + builtInRules.runChecks.map(\.function.name))
        for function in CheckFunctions.all {
            #expect(named.contains(function.name), "no built-in pack names \(function.name)")
            for rule in function.rules { #expect(builtInRules.rules[rule] != nil, "\(function.name): \(rule)") }
        }
    }

    /// The generated section of docs/rule-packs.md.
    @Test func checkFunctionsAreDocumented() throws {
        let url = Golden.root.appendingPathComponent("docs/rule-packs.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let start = "<!-- check functions: generated -->\n", end = "<!-- end of check functions -->"
        let from = try #require(text.range(of: start)), to = try #require(text.range(of: end))
        let current = String(text[from.upperBound..<to.lowerBound])
        let generated = "\n" + CheckFunctions.documentation()
        if Golden.recording {
            try (String(text[..<from.upperBound]) + generated + String(text[to.lowerBound...])).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == generated, "docs/rule-packs.md lists other check functions; record it with POLICYLINT_RECORD=1")
    }
}
