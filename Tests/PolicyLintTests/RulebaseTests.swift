import Foundation
import Synchronization
import Testing
@testable import PolicyLint

/// The rule base as NSX evaluates it (rules/rulebase.json, `RulebaseAnalysis`): each check finds
/// what is planted, at its place, and says nothing about a clean, well-ordered rule base.
@Suite("Rule base analysis")
struct RulebaseTests {
    static let rulebaseRules: Set<String> = ["rulebase/shadowed", "rulebase/shadowed-conflict", "rulebase/redundant", "rulebase/after-catch-all",
                                             "nsx/group-cycle", "rulebase/unused-group", "rulebase/unused-service"]

    /// A policy of the default domain.
    static func policy(_ id: String, category: String = "Application", sequence: Int = 10, extra: String = "", rules: [String]) -> String {
        #"{"resource_type": "SecurityPolicy", "id": "\#(id)", "path": "/infra/domains/default/security-policies/\#(id)", "category": "\#(category)", "sequence_number": \#(sequence)\#(extra), "rules": [\#(rules.joined(separator: ",\n"))]}"#
    }

    static func rule(_ id: String, _ sequence: Int, _ action: String, source: String = #""ANY""#, destination: String = #""ANY""#,
                     services: String = #""ANY""#, extra: String = "") -> String {
        #"{"id": "\#(id)", "display_name": "\#(id)", "sequence_number": \#(sequence), "action": "\#(action)", "source_groups": [\#(source)], "destination_groups": [\#(destination)], "services": [\#(services)], "logged": true\#(extra)}"#
    }

    static func group(_ id: String, _ addresses: String) -> String {
        #"{"resource_type": "Group", "id": "\#(id)", "path": "/infra/domains/default/groups/\#(id)", "expression": [{"resource_type": "IPAddressExpression", "ip_addresses": [\#(addresses)]}]}"#
    }

    static func results(_ objects: [String]) -> String { "{\"results\": [\n" + objects.joined(separator: ",\n") + "\n]}" }

    func lint(_ files: [(String, String)]) -> [FileReport] {
        Linter(ruleSet: builtInRules).lint(bundle: files.map { (name: $0.0, bytes: Array($0.1.utf8)) })
    }

    func findings(_ files: [(String, String)]) -> [Finding] {
        lint(files).flatMap(\.findings).filter { Self.rulebaseRules.contains($0.ruleID) }
    }

    @Test("a rule no single earlier rule covers, but two together do, is shadowed; the message and related locations name both")
    func twoRulesTogetherShadowOne() throws {
        let text = Self.policy("p", rules: [
            Self.rule("first-half", 10, "DROP", source: #""10.0.0.0/25""#),
            Self.rule("second-half", 20, "DROP", source: #""10.0.0.128/25""#),
            Self.rule("whole", 30, "DROP", source: #""10.0.0.0/24""#),
        ])
        let found = findings([("p.json", text)])
        let shadowed = try #require(found.first { $0.ruleID == "rulebase/shadowed" })
        #expect(found.count == 1, "\(found.map(\.message))")
        #expect(shadowed.start.line == 3)
        #expect(shadowed.message.contains("'first-half'") && shadowed.message.contains("'second-half'"), "\(shadowed.message)")
        #expect(shadowed.message.contains("Application › p › rule 10, line 1"))
        #expect(shadowed.related.map(\.start.line) == [1, 2])
        // Either one alone does not cover it.
        for kept in ["first-half", "second-half"] {
            let alone = Self.policy("p", rules: [
                kept == "first-half" ? Self.rule("first-half", 10, "DROP", source: #""10.0.0.0/25""#) : Self.rule("second-half", 20, "DROP", source: #""10.0.0.128/25""#),
                Self.rule("whole", 30, "DROP", source: #""10.0.0.0/24""#),
            ])
            #expect(findings([("p.json", alone)]).filter { $0.ruleID.hasPrefix("rulebase/shadowed") }.isEmpty)
        }
    }

    /// Specific drops before broad allows, every rule logged, groups and services in other
    /// files, a deny-all last.
    static let cleanRun: [(String, String)] = [
        ("groups.json", results([group("web", #""10.1.0.0/24""#), group("db", #""10.2.0.0/24""#), group("admins", #""10.9.0.0/28""#),
                                 #"{"resource_type": "Group", "id": "app-vms", "path": "/infra/domains/default/groups/app-vms", "expression": [{"resource_type": "Condition", "member_type": "VirtualMachine", "key": "Tag", "operator": "EQUALS", "value": "app"}]}"#])),
        ("services.json", results([#"{"resource_type": "Service", "id": "pg", "path": "/infra/services/pg", "service_entries": [{"resource_type": "L4PortSetServiceEntry", "id": "pg", "l4_protocol": "TCP", "destination_ports": ["5432"]}]}"#])),
        ("emergency.json", policy("quarantine", category: "Emergency", sequence: 1, rules: [
            rule("block-known-bad", 10, "DROP", source: #""192.0.2.0/24", "198.51.100.0/24""#),
        ])),
        ("application.json", results([
            policy("db", sequence: 10, rules: [
                rule("web-to-db", 10, "ALLOW", source: #""/infra/domains/default/groups/web""#, destination: #""/infra/domains/default/groups/db""#, services: #""/infra/services/pg""#),
                rule("admins-to-db", 20, "ALLOW", source: #""/infra/domains/default/groups/admins""#, destination: #""/infra/domains/default/groups/db""#, services: #""/infra/services/SSH""#),
                rule("drop-other-db", 30, "DROP", destination: #""/infra/domains/default/groups/db""#),
            ]),
            policy("web", sequence: 20, rules: [
                rule("admins-ssh-web", 10, "ALLOW", source: #""/infra/domains/default/groups/admins""#, destination: #""/infra/domains/default/groups/web""#, services: #""/infra/services/SSH""#),
                rule("https-to-web", 20, "ALLOW", destination: #""/infra/domains/default/groups/web""#, services: #""/infra/services/HTTPS""#),
                rule("app-vms-out", 30, "ALLOW", source: #""/infra/domains/default/groups/app-vms""#, services: #""/infra/services/HTTPS""#),
            ]),
            policy("default", sequence: 1000, rules: [rule("deny-all", 10, "DROP")]),
        ])),
    ]

    @Test("a clean, well-ordered rule base across files: no finding of the rule base checks")
    func cleanRuleBaseIsSilent() {
        #expect(findings(Self.cleanRun).map { "\($0.file):\($0.start.line) \($0.ruleID) \($0.message)" } == [])
    }

    @Test("every check finds what is planted in one run of several files, at its place")
    func plantedCasesAcrossFiles() {
        var run = Self.cleanRun
        // Line 1 is `{"results": [`; each rule and object on its own line after it.
        run.append(("planted.json", Self.results([
            Self.policy("late", sequence: 900, rules: [
                Self.rule("web-again", 10, "ALLOW", destination: #""10.1.0.7""#, services: #""/infra/services/HTTPS""#),
                Self.rule("db-ssh-drop", 20, "DROP", source: #""10.9.0.1""#, destination: #""/infra/domains/default/groups/db""#, services: #""/infra/services/SSH""#),
                Self.rule("opaque-app", 30, "ALLOW", source: #""/infra/domains/default/groups/app-vms""#, services: #""/infra/services/HTTP""#),
            ]),
            Self.group("unused", #""10.50.0.0/24""#),
        ])))
        run.append(("after.json", Self.policy("after-all", sequence: 2000, rules: [
            Self.rule("too-late", 10, "ALLOW", destination: #""10.3.0.1""#, services: #""/infra/services/HTTPS""#),
        ])))
        let found = findings(run).map { "\($0.file):\($0.start.line) \($0.ruleID)" }
        #expect(found.sorted() == [
            "after.json:1 rulebase/after-catch-all",
            "after.json:1 rulebase/shadowed-conflict",
            "planted.json:2 rulebase/shadowed",
            "planted.json:3 rulebase/shadowed-conflict",
            "planted.json:5 rulebase/unused-group",
        ], "\(findings(run).map { "\($0.file):\($0.start.line) \($0.ruleID) \($0.message)" })")
        let conflict = findings(run).first { $0.file == "planted.json" && $0.ruleID == "rulebase/shadowed-conflict" }
        #expect(conflict?.message.contains("'admins-to-db' (Application › db › rule 20, application.json line 3)") == true, "\(conflict?.message ?? "")")
        #expect(conflict?.related.first?.file == "application.json")
    }

    @Test("rules whose order NSX leaves open (one sequence number) never shadow each other")
    func equalSequenceNumbersMakeNoClaim() {
        let text = Self.policy("p", rules: [Self.rule("a", 10, "DROP"), Self.rule("b", 10, "ALLOW", destination: #""10.0.0.1""#)])
        #expect(findings([("p.json", text)]).filter { $0.ruleID.hasPrefix("rulebase/shadowed") || $0.ruleID == "rulebase/after-catch-all" }.isEmpty)
        let policies = Self.results([Self.policy("x", rules: [Self.rule("a", 10, "DROP")]), Self.policy("y", rules: [Self.rule("b", 20, "ALLOW", destination: #""10.0.0.1""#)])])
        #expect(findings([("p.json", policies)]).filter { $0.ruleID.hasPrefix("rulebase/shadowed") }.isEmpty)
    }

    @Test("disabled rules match nothing; an IPv4 rule does not cover an IPv6 one; sources_excluded is the complement")
    func disabledFamiliesAndExclusion() {
        let disabled = Self.policy("p", rules: [Self.rule("off", 10, "DROP", extra: #", "disabled": true"#), Self.rule("web", 20, "ALLOW", destination: #""10.0.0.1""#)])
        #expect(findings([("p.json", disabled)]).isEmpty)
        let families = Self.policy("p", rules: [Self.rule("v4", 10, "DROP", extra: #", "ip_protocol": "IPV4""#), Self.rule("v6", 20, "ALLOW", extra: #", "ip_protocol": "IPV6""#)])
        #expect(findings([("p.json", families)]).filter { $0.ruleID.hasPrefix("rulebase/shadowed") }.isEmpty)
        let v6Literal = Self.policy("p", rules: [Self.rule("v4", 10, "DROP", extra: #", "ip_protocol": "IPV4""#), Self.rule("v6", 20, "ALLOW", destination: #""2001:db8::/64""#)])
        #expect(findings([("p.json", v6Literal)]).filter { $0.ruleID.hasPrefix("rulebase/shadowed") }.isEmpty)
        // Everything but 10.0.0.0/8, then everything: the second rule is not shadowed; a rule
        // inside the excluded block after it is not either, one outside it is.
        let excluded = Self.policy("p", rules: [
            Self.rule("not-internal", 10, "DROP", source: #""10.0.0.0/8""#, extra: #", "sources_excluded": true"#),
            Self.rule("internal", 20, "ALLOW", source: #""10.1.0.0/16""#),
            Self.rule("outside", 30, "ALLOW", source: #""192.0.2.1""#),
        ])
        #expect(findings([("p.json", excluded)]).map { "\($0.start.line) \($0.ruleID)" } == ["3 rulebase/shadowed-conflict"])
    }

    @Test("JUMP_TO_APPLICATION shadows later Environment rules, not Application ones")
    func jumpToApplication() {
        let run = Self.results([
            Self.policy("env", category: "Environment", rules: [Self.rule("jump", 10, "JUMP_TO_APPLICATION"), Self.rule("env-drop", 20, "DROP", source: #""10.0.0.1""#)]),
            Self.policy("app", category: "Application", rules: [Self.rule("app-allow", 10, "ALLOW", source: #""10.0.0.1""#)]),
        ])
        let found = findings([("p.json", run)])
        #expect(found.map { "\($0.start.line) \($0.ruleID)" } == ["3 rulebase/shadowed"], "\(found.map(\.message))")
        #expect(found.first?.message.contains("passed on to the Application category earlier by 'jump'") == true)
    }

    @Test("services compare by port: a TCP 1-1024 entry covers HTTPS's port, a path the run lacks only itself")
    func servicesCompareByPort() {
        let services = Self.results([
            #"{"resource_type": "Service", "id": "low", "path": "/infra/services/low", "service_entries": [{"resource_type": "L4PortSetServiceEntry", "id": "e", "l4_protocol": "TCP", "destination_ports": ["1-1024"]}]}"#,
            #"{"resource_type": "Service", "id": "https", "path": "/infra/services/https", "service_entries": [{"resource_type": "L4PortSetServiceEntry", "id": "e", "l4_protocol": "TCP", "destination_ports": ["443"]}]}"#,
        ])
        let policy = Self.policy("p", rules: [
            Self.rule("low-ports", 10, "DROP", services: #""/infra/services/low""#),
            Self.rule("https", 20, "ALLOW", services: #""/infra/services/https""#),
            Self.rule("inline-udp", 30, "ALLOW", services: #""/infra/services/low""#, extra: #", "service_entries": [{"resource_type": "L4PortSetServiceEntry", "id": "u", "l4_protocol": "UDP", "destination_ports": ["53"]}]"#),
            Self.rule("predefined", 40, "ALLOW", services: #""/infra/services/HTTPS""#),
        ])
        #expect(findings([("s.json", services), ("p.json", policy)]).filter { $0.ruleID.hasPrefix("rulebase/shadowed") }.map { "\($0.start.line) \($0.ruleID)" }
            == ["2 rulebase/shadowed-conflict"])
    }

    @Test("shadowing findings carry their covering rules as SARIF relatedLocations, and the log still validates")
    func sarifRelatedLocations() throws {
        var run = Self.cleanRun
        run.append(("planted.json", Self.policy("late", sequence: 900, rules: [
            Self.rule("db-ssh-drop", 20, "DROP", source: #""10.9.0.1""#, destination: #""/infra/domains/default/groups/db""#, services: #""/infra/services/SSH""#),
        ])))
        let reports = lint(run)
        let sarif = SarifReporter(baseURI: "file:///project/").render(RunResult(files: reports, ruleSet: builtInRules, toolVersion: "1.2.3"))
        #expect(sarif.contains("\"relatedLocations\""))
        #expect(sarif.contains("\"uri\": \"application.json\"") || sarif.contains("application.json"))
        if SarifSchemaTests.validatorAvailable {
            #expect(try SarifSchemaTests.schemaErrors(sarif) == nil)
        }
    }

    @Test("the HTML audit report lists the effective rule base in evaluation order, shadowed rules linked to what covers them")
    func htmlEffectiveRuleBase() {
        var run = Self.cleanRun
        run.append(("planted.json", Self.policy("late", sequence: 900, rules: [
            Self.rule("db-ssh-drop", 20, "DROP", source: #""10.9.0.1""#, destination: #""/infra/domains/default/groups/db""#, services: #""/infra/services/SSH""#),
        ])))
        let collected = Mutex<[EffectiveRule]>([])
        var options = LintOptions()
        options.ruleBaseObserver = { rules in collected.withLock { $0 = rules } }
        let reports = Linter(ruleSet: builtInRules, options: options).lint(bundle: run.map { (name: $0.0, bytes: Array($0.1.utf8)) })
        var result = RunResult(files: reports, ruleSet: builtInRules, toolVersion: "t")
        result.ruleBase = collected.withLock { $0 }
        // Emergency first, then the Application policies by sequence number, the deny-all last.
        #expect(result.ruleBase.map(\.name) == ["block-known-bad", "web-to-db", "admins-to-db", "drop-other-db", "admins-ssh-web", "https-to-web",
                                                "app-vms-out", "db-ssh-drop", "deny-all"])
        let html = HTMLReporter().render(result)
        #expect(html.contains("<h2 id=\"rule-base\">Effective rule base</h2>"))
        // Rule 8 (db-ssh-drop) is marked a conflict and links to rule 3 (admins-to-db).
        #expect(html.contains("<tr id=\"rule-8\" class=\"conflict\">"))
        #expect(html.contains("by <a href=\"#rule-3\">#3</a>"))
        // Without a rule base (another format, or no policies), no section.
        #expect(!HTMLReporter().render(RunResult(files: reports, ruleSet: builtInRules, toolVersion: "t")).contains("Effective rule base"))
    }

    @Test("a pack names a run check only in runChecks, and a run check only there")
    func runChecksInThePackLanguage() throws {
        let misplaced = #"{"pack": "x", "documentChecks": [{"function": "rulebase", "rules": ["rulebase/shadowed"], "given": {"objectsWith": ["rules"]}}]}"#
        #expect(throws: ConfigurationError.self) { try RulePackLoader.load(file: "x.json", bytes: Array(misplaced.utf8)) }
        let wrong = #"{"pack": "x", "runChecks": [{"function": "tls-hygiene", "rules": ["tls/weak-cipher"]}]}"#
        #expect(throws: ConfigurationError.self) { try RulePackLoader.load(file: "x.json", bytes: Array(wrong.utf8)) }
        // Turning every rule of the run check off skips it.
        var options = LintOptions()
        for rule in Self.rulebaseRules { options.levels[rule] = .some(nil) }
        let text = Self.policy("p", rules: [Self.rule("a", 10, "DROP"), Self.rule("b", 20, "DROP")])
        let reports = Linter(ruleSet: builtInRules, options: options).lint(bundle: [(name: "p.json", bytes: Array(text.utf8))])
        #expect(reports[0].findings.filter { Self.rulebaseRules.contains($0.ruleID) }.isEmpty)
    }

    /// 10,000 rules in 100 policies with IP-computable groups are all read into the rule base
    /// (how long it takes is policylint-bench's to say, on the 16 MB export's 11,520 rules: a
    /// timed test fails on a busy machine, not on slow code).
    @Test("a 10,000-rule rule base is analysed to the end")
    func tenThousandRules() {
        var objects: [String] = []
        for g in 0..<200 { objects.append(Self.group("g\(g)", "\"10.\(g).0.0/24\", \"10.\(g).1.0/28\"")) }
        for p in 0..<100 {
            var rules: [String] = []
            for r in 0..<100 {
                let source = "\"/infra/domains/default/groups/g\((p * 7 + r) % 200)\""
                let destination = "\"/infra/domains/default/groups/g\((p + r * 3) % 200)\", \"172.16.\(r).\(p)\""
                rules.append(Self.rule("r\(p)-\(r)", (r + 1) * 10, r % 10 == 9 ? "DROP" : "ALLOW", source: source, destination: destination,
                                       services: r % 3 == 0 ? #""ANY""# : #""/infra/services/HTTPS""#))
            }
            objects.append(Self.policy("p\(p)", sequence: p + 1, rules: rules))
        }
        let text = Self.results(objects)
        let analysed = Mutex<[EffectiveRule]>([])
        var options = LintOptions()
        options.ruleBaseObserver = { rules in analysed.withLock { $0 = rules } }
        _ = Linter(ruleSet: builtInRules, options: options).lint(bundle: [(name: "big.json", bytes: Array(text.utf8))])
        let rules = analysed.withLock { $0 }
        #expect(rules.count == 10_000)
        // In evaluation order: policy p0's rules first, by sequence number.
        #expect(rules.prefix(3).map(\.name) == ["r0-0", "r0-1", "r0-2"])
        #expect(rules.last?.name == "r99-99")
    }
}

/// The set operations' shortcuts against the plain definitions, over many small random sets
/// (a fixed seed, so a failure repeats).
@Suite("Rule base set operations")
struct RulebaseSetTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11 | state << 53
        }
    }

    static func spans(_ g: inout Generator) -> [Span] {
        (0..<Int.random(in: 0...4, using: &g)).map { _ in
            let lo = UInt128(Int.random(in: 0...40, using: &g))
            return Span(lo: lo, hi: lo + UInt128(Int.random(in: 0...6, using: &g)))
        }
    }

    static func dim(_ g: inout Generator) -> Dim {
        if Int.random(in: 0...9, using: &g) == 0 { return .everything }
        let tokens = Array(Set((0..<Int.random(in: 0...2, using: &g)).map { _ in Int32.random(in: 0...4, using: &g) })).sorted()
        return Dim(a: Spans.normalized(spans(&g)), b: Spans.normalized(spans(&g)), tokens: tokens)
    }

    /// Sorted by start, touching or overlapping spans merged: what `normalized` means.
    static func merged(_ spans: [Span]) -> [Span] {
        var out: [Span] = []
        for s in spans.sorted(by: { ($0.lo, $0.hi) < ($1.lo, $1.hi) }) {
            if let last = out.last, s.lo <= last.hi + 1 { out[out.count - 1].hi = max(last.hi, s.hi) } else { out.append(s) }
        }
        return out
    }

    @Test func normalizedSpansAreSortedMergedSpans() {
        var g = Generator(state: 7)
        for _ in 0..<5_000 {
            let list = Self.spans(&g)
            #expect(Spans.normalized(list) == Self.merged(list), "\(list)")
            // Already in order: returned as it is.
            let ordered = Self.merged(list)
            #expect(Spans.normalized(ordered) == ordered)
        }
    }

    @Test func intersectsIsWhetherTheIntersectionHoldsAnything() {
        var g = Generator(state: 11)
        for _ in 0..<5_000 {
            let x = Self.dim(&g), y = Self.dim(&g)
            #expect(Dim.intersects(x, y) == !Dim.intersect(x, y).isEmpty, "\(x) \(y)")
        }
    }
}
