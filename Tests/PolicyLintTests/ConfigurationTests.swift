import Foundation
import Testing
@testable import PolicyLint

@Suite("Path globs")
struct PathGlobTests {
    @Test(arguments: [
        ("*.json", "a.json", true), ("*.json", "dir/a.json", false), ("*.json", "a.jsonx", false),
        ("**/*.json", "a.json", true), ("**/*.json", "a/b/c.json", true), ("**", "a/b/c.json", true),
        ("legacy/**", "legacy/a.json", true), ("legacy/**", "legacy/x/y/a.json", true), ("legacy/**", "legacyx/a.json", false),
        ("legacy/**", "other/legacy/a.json", false), ("**/legacy/*.json", "x/y/legacy/a.json", true),
        ("a/**/b.json", "a/b.json", true), ("a/**/b.json", "a/x/y/b.json", true), ("a/**/b.json", "a/x/c.json", false),
        ("pol?cy.json", "policy.json", true), ("pol?cy.json", "polcy.json", false), ("?.json", "/.json", false),
        ("sps/*/audit-*.json", "sps/prod/audit-1.json", true), ("sps/*/audit-*.json", "sps/prod/x/audit-1.json", false),
        ("*", "a.json", true), ("*", "a/b.json", false), ("./a.json", "a.json", true), ("a.json", "./a.json", true),
        ("*.JSON", "a.json", false), ("café/*.json", "café/é.json", true),
        ("/etc/*.json", "/etc/a.json", true), ("etc/*.json", "/etc/a.json", false), ("**/a.json", "/etc/a.json", true),
    ])
    func matches(_ pattern: String, _ path: String, _ expected: Bool) {
        #expect(PathGlob(pattern).matches(path) == expected, "\(pattern) vs \(path)")
    }

    @Test func pathsAreRelativeToTheConfigurationFolder() {
        #expect(ProjectPath.relative("sub/a.json", to: "/repo", workingDirectory: "/repo") == "sub/a.json")
        #expect(ProjectPath.relative("a.json", to: "/repo", workingDirectory: "/repo/sub") == "sub/a.json")
        #expect(ProjectPath.relative("../b/./a.json", to: "/repo", workingDirectory: "/repo/sub") == "b/a.json")
        #expect(ProjectPath.relative("/repo/x.json", to: "/repo", workingDirectory: "/elsewhere") == "x.json")
        #expect(ProjectPath.relative("../a.json", to: "/repo", workingDirectory: "/repo") == "/a.json", "outside: absolute")
        #expect(ProjectPath.relative("/repository/a.json", to: "/repo", workingDirectory: "/") == "/repository/a.json")
    }

    @Test func theConfigurationIsFoundFromAFolderUpward() {
        let existing: Set = ["/repo/.policylint.json", "/.policylint.json"]
        let found = Configuration.search(from: "/repo/a/b", workingDirectory: "/repo/a/b", exists: { existing.contains($0) })
        #expect(found?.path == "/repo/.policylint.json")
        #expect(found?.shown == "../../.policylint.json")
        #expect(Configuration.search(from: "/repo", workingDirectory: "/repo", exists: { existing.contains($0) })?.shown == ".policylint.json")
        #expect(Configuration.search(from: "/other", workingDirectory: "/other", exists: { existing.contains($0) })?.path == "/.policylint.json")
        #expect(Configuration.search(from: "/other", workingDirectory: "/other", exists: { _ in false }) == nil)
        #expect(Configuration.search(from: "/repo/a", workingDirectory: "/", exists: { existing.contains($0) })?.shown == "repo/.policylint.json")
        #expect(Configuration.search(from: "/repo/a", workingDirectory: "/elsewhere/x", exists: { existing.contains($0) })?.shown == "/repo/.policylint.json")
    }

    @Test func theConfigurationIsFoundFromTheFolderTheLintedPathsShare() {
        let existing: Set = ["/repo/.policylint.json", "/repo/sub/.policylint.json", "/home/me/.policylint.json"]
        let folders: Set = ["/repo/sub", "/repo/sub/x", "/repo/other"]
        func search(_ paths: [String], from workingDirectory: String = "/home/me/tools") -> String? {
            Configuration.search(for: paths, workingDirectory: workingDirectory, isDirectory: { folders.contains($0) }, exists: { existing.contains($0) })?.path
        }
        #expect(search(["/repo/sub/a.json"]) == "/repo/sub/.policylint.json")
        #expect(search(["/repo/sub/x"]) == "/repo/sub/.policylint.json", "a folder given is searched from itself")
        #expect(search(["/repo/sub/a.json", "/repo/other/b.json"]) == "/repo/.policylint.json", "the deepest folder both share")
        #expect(search(["../../../repo/sub/a.json"]) == "/repo/sub/.policylint.json", "relative to the working directory")
        #expect(search(["-"]) == "/home/me/.policylint.json", "standard input is in the working directory")
        #expect(search(["/srv/a.json"]) == "/home/me/.policylint.json", "none above the files: the working directory's")
        #expect(search(["/srv/a.json"], from: "/srv") == nil)
    }

    @Test func datesAreStrictAndReal() {
        #expect(CalendarDate("2024-02-29") == CalendarDate(year: 2024, month: 2, day: 29))
        for bad in ["2025-02-29", "2025-13-01", "2025-1-01", "25-01-01", "2025-01-01T00:00", "2025/01/01", "", "２０２５-01-01"] {
            #expect(CalendarDate(bad) == nil, "\(bad)")
        }
        #expect(CalendarDate(year: 2025, month: 3, day: 1).description == "2025-03-01")
        #expect(CalendarDate("2025-12-31")! < CalendarDate("2026-01-01")!)
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    static func load(_ text: String) throws -> Configuration {
        try Configuration.load(file: ".policylint.json", folder: "/project", bytes: Array(text.utf8), ruleSet: builtInRules)
    }

    /// The error for a configuration: where (line:column) and what it says.
    static func error(_ text: String) -> (position: String, message: String)? {
        do { _ = try load(text); return nil } catch let e as ConfigurationError {
            return (e.position.map { "\($0.line):\($0.column)" } ?? "", e.message)
        } catch { return ("", "\(error)") }
    }

    @Test func aFullConfigurationLoads() throws {
        let c = try Self.load("""
            {
              "rules": {"schema/deprecated": "off", "nsx/sequence-range": "warning"},
              "tlsProfile": "modern",
              "pskMinimumLength": 20,
              "kinds": {"sps/audit/*.json": "sps.audit_policy"},
              "ignore": [
                {"paths": ["legacy/**", "old.json"], "pointer": "/rules", "rules": ["schema/enum"], "reason": "migrating", "expires": "2030-01-31"}
              ]
            }
            """)
        #expect(c.levels["schema/deprecated"] == .some(nil))
        #expect(c.levels["nsx/sequence-range"] == .warning)
        #expect(c.tlsProfile == .modern && c.pskMinimumLength == 20)
        #expect(c.kind(of: "sps/audit/a.json", workingDirectory: "/project") == "sps.audit_policy")
        #expect(c.kind(of: "a.json", workingDirectory: "/project/sps/audit") == "sps.audit_policy")
        #expect(c.kind(of: "sps/audit/x/a.json", workingDirectory: "/project") == nil)
        let ignore = try #require(c.ignores.first)
        #expect(ignore.paths.map(\.pattern) == ["legacy/**", "old.json"])
        #expect(ignore.pointer == "/rules" && ignore.rules == ["schema/enum"] && ignore.reason == "migrating")
        #expect(ignore.expires == CalendarDate(year: 2030, month: 1, day: 31))
        #expect(ignore.source == ".policylint.json:7")

        var options = LintOptions()
        c.configure(&options, files: ["sps/audit/a.json", "b.json"], workingDirectory: "/project")
        #expect(options.levels["schema/deprecated"] == .some(nil))
        #expect(options.tlsProfile == .modern && options.pskMinimumLength == 20)
        #expect(options.kindsByFile == ["sps/audit/a.json": "sps.audit_policy"])
    }

    @Test("a wrong key or value is an error with its position and what is allowed", arguments: [
        (#"{"rule": {}}"#, "1:2", "unknown key 'rule' in the configuration (allowed: rules, tlsProfile, pskMinimumLength, template, kinds, ignore); did you mean 'rules'?"),
        (#"{"rules": {"nsx/sequence-rang": "off"}}"#, "1:12", "no rule 'nsx/sequence-rang'; did you mean 'nsx/sequence-range'?"),
        (#"{"rules": {"nsx/sequence-range": "disabled"}}"#, "1:34", "'disabled' is not a rule setting (allowed: off, error, warning, note)"),
        (#"{"rules": {"nsx/sequence-range": false}}"#, "1:34", "a rule's setting must be a string"),
        (#"{"tlsProfile": "strict"}"#, "1:16", "'strict' is not a TLS profile (allowed: modern, intermediate, legacy)"),
        (#"{"template": "jinja2"}"#, "1:14", "'jinja2' is not a template mode (allowed: auto, jinja, none)"),
        (#"{"pskMinimumLength": 0}"#, "1:22", "\"pskMinimumLength\" must be a whole number ≥ 1"),
        (#"{"pskMinimumLength": 12.5}"#, "1:22", "\"pskMinimumLength\" must be a whole number ≥ 0"),
        (#"{"kinds": {"a/*.json": "sps.audit"}}"#, "1:24", "unknown kind 'sps.audit' (known: ApiServiceConfig, GatewayPolicy, Group, IPSecVpnIkeProfile, IPSecVpnTunnelProfile, IdsSignatureMetadata, L4PortSetServiceEntry, LBPool, LBVirtualServer, PolicyBasedIPSecVPNSession, PolicyNatRule, RouteBasedIPSecVPNSession, Rule, SecurityPolicy, Segment, Service, Tier0, Tier1, sps.archive_cleanup_policy, sps.audit_policy, sps.channel_policy, sps.time_policy, and every type of the NSX model)"),
        (#"{"ignore": {}}"#, "1:12", "\"ignore\" must be an array"),
        (#"{"ignore": [{"paths": "a", "reason": "r", "rule": ["x/y"]}]}"#, "1:43", "unknown key 'rule' in an ignore (allowed: paths, pointer, rules, reason, expires); did you mean 'rules'?"),
        (#"{"ignore": [{"paths": "a"}]}"#, "1:13", "an ignore needs \"reason\": why these findings are accepted, for the next reviewer"),
        (#"{"ignore": [{"paths": "a", "reason": "  "}]}"#, "1:38", "\"reason\" cannot be empty"),
        (#"{"ignore": [{"reason": "r"}]}"#, "1:13", "an ignore needs \"paths\": a path glob or a list of them (\"**\" for every file)"),
        (#"{"ignore": [{"paths": [], "reason": "r"}]}"#, "1:23", "\"paths\" needs at least one non-empty glob"),
        (#"{"ignore": [{"paths": "a", "reason": "r", "pointer": "rules/0"}]}"#, "1:54", "\"pointer\" is a JSON pointer: empty, or starting with '/', e.g. /rules/0"),
        (#"{"ignore": [{"paths": "a", "reason": "r", "rules": []}]}"#, "1:52", "\"rules\" needs at least one rule id (leave it out to cover every rule)"),
        (#"{"ignore": [{"paths": "a", "reason": "r", "rules": ["schema/enums"]}]}"#, "1:53", "no rule 'schema/enums'; did you mean 'schema/enum'?"),
        (#"{"ignore": [{"paths": "a", "reason": "r", "expires": "31.12.2025"}]}"#, "1:54", "'31.12.2025' is not a date: \"expires\" is YYYY-MM-DD, e.g. 2026-06-30"),
        (#"{"ignore": [{"paths": "a", "reason": "r", "expires": "2025-02-29"}]}"#, "1:54", "'2025-02-29' is not a date: \"expires\" is YYYY-MM-DD, e.g. 2026-06-30"),
        ("{\n  \"rules\": {},\n}", "2:14", "trailing ',' before '}'; remove it"),
        ("[]", "1:1", "the configuration must be an object"),
    ])
    func configurationErrors(_ text: String, _ position: String, _ message: String) {
        let e = Self.error(text)
        #expect(e?.position == position, "\(e?.message ?? "no error")")
        #expect(e?.message == message)
    }

    static let today = CalendarDate(year: 2026, month: 3, day: 15)

    /// Lints `files` (path → text) as one run, then applies the configuration's ignores.
    static func suppress(_ config: String, _ files: [(String, String)], workingDirectory: String = "/project") throws -> [FileReport] {
        let c = try load(config)
        let linter = Linter(ruleSet: builtInRules)
        let reports = linter.lint(bundle: files.map { (name: $0.0, bytes: Array($0.1.utf8)) })
        return c.suppress(reports, workingDirectory: workingDirectory, today: today, linter: linter)
    }

    static let twoPolicies = """
        {"results": [
          {"resource_type": "SecurityPolicy", "sequence_number": 1000000, "category": "Aplication"},
          {"resource_type": "SecurityPolicy", "sequence_number": 1000000, "category": "Aplication"}
        ], "result_count": 2}
        """

    static func summary(_ reports: [FileReport]) -> [String] {
        reports.flatMap(\.findings).map { "\($0.file) \($0.ruleID) \($0.pointer)\($0.suppression == nil ? "" : " suppressed")" }
    }

    @Test func anIgnoreIsScopedByPathGlob() throws {
        let reports = try Self.suppress(#"{"ignore": [{"paths": "legacy/**", "reason": "old"}]}"#,
                                        [("legacy/a.json", Self.twoPolicies), ("b.json", Self.twoPolicies)])
        let findings = reports.flatMap(\.findings)
        #expect(findings.filter { $0.file == "legacy/a.json" }.allSatisfy { $0.suppression == Suppression(reason: "old", source: ".policylint.json:1") })
        #expect(findings.filter { $0.file == "b.json" }.allSatisfy { $0.suppression == nil })
        #expect(findings.contains { $0.file == "b.json" })
    }

    @Test func anIgnoreIsScopedByPointerPrefixAndRules() throws {
        let reports = try Self.suppress(#"{"ignore": [{"paths": "**", "pointer": "/results/1", "rules": ["schema/enum"], "reason": "r"}]}"#,
                                        [("a.json", Self.twoPolicies)])
        #expect(Self.summary(reports) == [
            "a.json nsx/sequence-range /results/0/sequence_number",
            "a.json schema/enum /results/0/category",
            "a.json nsx/sequence-range /results/1/sequence_number",
            "a.json schema/enum /results/1/category suppressed",
        ])
    }

    @Test func aPointerPrefixCoversWholeTokensOnly() {
        let ignore = Configuration.Ignore(paths: [PathGlob("**")], pointer: "/rules/1", rules: nil, reason: "r", expires: nil, source: "c:1")
        func finding(_ pointer: String) -> Finding {
            Finding(ruleID: "schema/enum", level: .error, message: "m", file: "a.json", pointer: pointer,
                    start: SourcePosition(line: 1, column: 1), end: SourcePosition(line: 1, column: 2), byteRange: 0..<1)
        }
        #expect(ignore.covers(finding("/rules/1"), path: "a.json"))
        #expect(ignore.covers(finding("/rules/1/action"), path: "a.json"))
        #expect(!ignore.covers(finding("/rules/10"), path: "a.json"))
        #expect(!ignore.covers(finding("/rules"), path: "a.json"))
        var everything = ignore
        everything.pointer = ""
        #expect(everything.covers(finding(""), path: "a.json") && everything.covers(finding("/x"), path: "a.json"))
    }

    @Test func globsAreRelativeToTheConfigurationNotTheWorkingDirectory() throws {
        // Run from /project/legacy: the file is "a.json" on the command line, legacy/a.json to the glob.
        let reports = try Self.suppress(#"{"ignore": [{"paths": "legacy/*.json", "reason": "r"}]}"#,
                                        [("a.json", Self.twoPolicies)], workingDirectory: "/project/legacy")
        #expect(reports.flatMap(\.findings).allSatisfy { $0.suppression != nil })
    }

    @Test func anExpiredIgnoreSuppressesNothingAndIsReported() throws {
        let config = """
            {"ignore": [
              {"paths": "**", "rules": ["schema/enum"], "reason": "until the migration", "expires": "2026-03-14"},
              {"paths": "**", "rules": ["nsx/sequence-range"], "reason": "still valid", "expires": "2026-03-15"}
            ]}
            """
        let reports = try Self.suppress(config, [("a.json", Self.twoPolicies)])
        #expect(Self.summary(reports) == [
            "a.json nsx/sequence-range /results/0/sequence_number suppressed",
            "a.json schema/enum /results/0/category",
            "a.json nsx/sequence-range /results/1/sequence_number suppressed",
            "a.json schema/enum /results/1/category",
            ".policylint.json config/expired-ignore /ignore/0/expires",
        ], "an ignore works through its expiry day; the day after it stops")
        let expired = try #require(reports.last?.findings.first)
        #expect(expired.level == .warning)
        #expect(expired.start == SourcePosition(line: 2, column: 89))
        #expect(expired.message.hasPrefix("this ignore expired on 2026-03-14 and no longer suppresses anything (the 2 findings it covers in this run are reported again)"))
        #expect(expired.excerpt?.text.contains("\"2026-03-14\"") == true)
    }

    @Test func theExpiredIgnoreRuleCanBeTurnedOffLikeAnyOther() throws {
        let c = try Self.load(#"{"rules": {"config/expired-ignore": "off"}, "ignore": [{"paths": "**", "reason": "r", "expires": "2000-01-01"}]}"#)
        var options = LintOptions()
        c.configure(&options, files: [], workingDirectory: "/project")
        let linter = Linter(ruleSet: builtInRules, options: options)
        #expect(c.suppress([], workingDirectory: "/project", today: Self.today, linter: linter).isEmpty)
    }

    @Test func configuredLevelsAndKindsReachTheEngine() throws {
        let c = try Self.load(#"{"rules": {"nsx/sequence-range": "note", "schema/enum": "off"}, "kinds": {"sps/**": "sps.time_policy"}}"#)
        var options = LintOptions()
        c.configure(&options, files: ["sps/t.json", "x.json"], workingDirectory: "/project")
        let linter = Linter(ruleSet: builtInRules, options: options)
        let policy = linter.lint(file: "x.json", bytes: Array(#"{"resource_type": "SecurityPolicy", "sequence_number": 1000000, "category": "Aplication"}"#.utf8))
        #expect(policy.findings.map { "\($0.ruleID) \($0.level)" } == ["nsx/sequence-range note"])
        // A bare body whose fields do not tell its kind: only the configuration says what it is.
        let bare = Array(#"{"name": "evenings"}"#.utf8)
        #expect(linter.lint(file: "sps/t.json", bytes: bare).checkedTypes == ["sps.time_policy": 1])
        #expect(linter.lint(file: "x.json", bytes: bare).findings.map(\.ruleID) == ["discovery/unknown-document"])
    }
}

/// A folder of files for an end-to-end run, removed afterwards.
struct TemporaryFolder {
    let url: URL
    init(_ files: [String: String]) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("policylint-wf-\(UUID().uuidString)").resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (path, text) in files {
            let file = url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func read(_ name: String) throws -> String { try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8) }
    func write(_ name: String, _ text: String) throws { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

@Suite("Configuration end to end", .serialized)
struct ConfigurationEndToEndTests {
    static let bad = #"{"resource_type": "SecurityPolicy", "sequence_number": 1000000}"#

    @Test func anUnknownKeyExitsTwoWithItsPosition() throws {
        let folder = try TemporaryFolder([".policylint.json": "{\n  \"rules\": {},\n  \"ignores\": []\n}\n", "a.json": Self.bad])
        defer { folder.remove() }
        let r = try CLI.run(["a.json"], in: folder.url)
        #expect(r.status == 2)
        #expect(r.stderr == "policylint: broken configuration: .policylint.json:3:3: unknown key 'ignores' in the configuration (allowed: rules, tlsProfile, pskMinimumLength, template, kinds, ignore); did you mean 'ignore'?\n")
        #expect(r.stdout.isEmpty)
    }

    @Test func theConfigurationIsFoundUpwardAndGlobsAreRelativeToIt() throws {
        let folder = try TemporaryFolder([
            ".policylint.json": #"{"ignore": [{"paths": "sub/legacy/*.json", "reason": "renumbered in Q3"}]}"#,
            "sub/legacy/a.json": Self.bad, "sub/b.json": Self.bad,
        ])
        defer { folder.remove() }
        let r = try CLI.run(["."], in: folder.url.appendingPathComponent("sub"))
        #expect(r.status == 1, "b.json still fails")
        #expect(r.stdout.contains("b.json:1:56: error [nsx/sequence-range]"))
        #expect(!r.stdout.contains("legacy/a.json"))
        #expect(r.stdout.contains("1 error, 0 warnings, 0 notes in 2 files (1 with findings); 1 suppressed by the configuration (--show-suppressed shows them)"))
        let shown = try CLI.run(["--show-suppressed", "legacy"], in: folder.url.appendingPathComponent("sub"))
        #expect(shown.status == 0, "suppressed findings never fail a run")
        #expect(shown.stdout.contains("legacy/a.json:1:56: error [nsx/sequence-range] 'sequence_number' is 1000000; it must be between 0 and 999,999 (suppressed by ../.policylint.json:1: renumbered in Q3)"))
    }

    @Test func sarifCarriesSuppressionsUnlessOmitted() throws {
        let folder = try TemporaryFolder([".policylint.json": #"{"ignore": [{"paths": "a.json", "reason": "accepted \"risk\""}]}"#, "a.json": Self.bad])
        defer { folder.remove() }
        let sarif = try CLI.run(["--format", "sarif", "a.json"], in: folder.url)
        #expect(sarif.status == 0)
        #expect(sarif.stdout.contains(#""ruleId": "nsx/sequence-range""#))
        #expect(sarif.stdout.contains("""
                      "suppressions": [
                        {
                          "kind": "external",
                          "justification": "accepted \\"risk\\""
                        }
                      ]
            """))
        let omitted = try CLI.run(["--format", "sarif", "--omit-suppressed", "a.json"], in: folder.url)
        #expect(!omitted.stdout.contains(#""ruleId": "nsx/sequence-range""#))
        #expect(omitted.stdout.contains(#""results": []"#))
        let json = try CLI.run(["--format", "json", "a.json"], in: folder.url)
        #expect(json.stdout.hasPrefix("{\n  \"findings\": [],\n  \"coverage\": {"))
    }

    @Test func configFileOptionAndTheCommandLineWins() throws {
        let folder = try TemporaryFolder([
            "conf/strict.json": #"{"rules": {"nsx/sequence-range": "warning"}, "tlsProfile": "legacy"}"#,
            "a.json": Self.bad,
        ])
        defer { folder.remove() }
        let r = try CLI.run(["--config", "conf/strict.json", "a.json"], in: folder.url)
        #expect(r.status == 0)
        #expect(r.stdout.contains("a.json:1:56: warning [nsx/sequence-range]"))
        let missing = try CLI.run(["--config", "nope.json", "a.json"], in: folder.url)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read the configuration nope.json"))
    }

    @Test func anExpiredIgnoreIsReportedAtItsDate() throws {
        let folder = try TemporaryFolder([
            ".policylint.json": "{\"ignore\": [\n  {\"paths\": \"*.json\", \"reason\": \"r\", \"expires\": \"2001-02-03\"}\n]}\n",
            "a.json": Self.bad,
        ])
        defer { folder.remove() }
        let r = try CLI.run(["--fail-on", "warning", "a.json"], in: folder.url)
        #expect(r.status == 1)
        #expect(r.stdout.contains(".policylint.json:2:49: warning [config/expired-ignore] this ignore expired on 2001-02-03"))
        #expect(r.stdout.contains("a.json:1:56: error [nsx/sequence-range]"), "the finding it covered is back")
    }
}

extension SarifSchemaTests {
    /// Suppressed results (and the config file's own finding) validate against the OASIS schema too.
    @Test func suppressedResultsValidate() throws {
        guard Self.validatorAvailable else {
            #expect(!Self.required, "python3 with jsonschema is required here (pip install jsonschema)")
            return
        }
        let config = try ConfigurationTests.load(#"{"ignore": [{"paths": "**", "pointer": "/results/1", "reason": "accepted \"for now\"", "expires": "2999-01-01"}, {"paths": "x", "reason": "r", "expires": "2001-01-01"}]}"#)
        let linter = Linter(ruleSet: builtInRules)
        let reports = config.suppress(linter.lint(bundle: [(name: "a.json", bytes: Array(ConfigurationTests.twoPolicies.utf8))]),
                                      workingDirectory: "/project", today: ConfigurationTests.today, linter: linter)
        let run = RunResult(files: reports, ruleSet: builtInRules, toolVersion: "0.0.0-test")
        #expect(run.suppressedCount == 2 && run.files.count == 2)
        let sarif = SarifReporter(baseURI: "file:///project/").render(run)
        #expect(sarif.contains(#""justification": "accepted \"for now\"""#))
        let errors = try SarifSchemaTests.schemaErrors(sarif)
        #expect(errors == nil, "SARIF does not validate:\n\(errors ?? "")")
    }
}
