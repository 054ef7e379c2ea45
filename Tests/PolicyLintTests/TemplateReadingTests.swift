import Foundation
import Testing
@testable import PolicyLint

/// Templated JSON (`--template`): Ansible/Jinja2 and Postman templates are read as one rendering,
/// past their placeholders, with every finding at its place in the template's own text.
@Suite("Template reading")
struct TemplateReadingTests {
    static func lint(_ text: String, file: String = "t.json.j2", template: TemplateMode = .auto) -> FileReport {
        var options = LintOptions()
        options.template = template
        return Linter(ruleSet: builtInRules, options: options).lint(file: file, bytes: Array(text.utf8))
    }

    /// `line:column rule pointer` of each finding, in report order.
    static func placed(_ report: FileReport) -> [String] {
        report.findings.map { "\($0.start.line):\($0.start.column) \($0.ruleID) \($0.pointer)" }
    }

    static func corpus(_ name: String) throws -> (path: String, bytes: [UInt8]) {
        let path = "testdata/templates/" + name
        return (path, [UInt8](try Data(contentsOf: Golden.root.appendingPathComponent(path))))
    }

    static func lintCorpus(_ name: String, template: TemplateMode = .auto) throws -> FileReport {
        let (path, bytes) = try corpus(name)
        var options = LintOptions()
        options.template = template
        return Linter(ruleSet: builtInRules, options: options).lint(file: path, bytes: bytes)
    }

    // MARK: the corpus: planted mistakes after placeholders, and nothing else

    @Test("each template of the corpus gives exactly its planted findings", arguments: [
        ("ansible-dfw-policy.json.j2", [
            // The read-only field is the key's finding; its placeholder value is not judged.
            "7:3 schema/readonly-field /marked_for_delete",
            "8:22 nsx/sequence-range /sequence_number",
            "32:20 schema/enum /rules/0/direction",
        ]),
        ("ansible-groups.json.j2", [
            "14:66 json/syntax /children/0/Group/expression/0/ip_addresses",
            "20:1 json/syntax /children/0/Group/tags",
        ]),
        ("postman-tier1.json", ["10:22 schema/enum /pool_allocation"]),
        ("postman-ipsec-session.json", ["10:26 schema/enum /authentication_mode"]),
    ])
    func corpusFindings(_ name: String, _ expected: [String]) throws {
        let report = try Self.lintCorpus(name)
        #expect(Self.placed(report) == expected)
        #expect(report.readAsTemplate)
        #expect(report.uncheckedTypes.isEmpty && !report.checkedTypes.isEmpty)
    }

    @Test func aFindingsRangeIsTheValueInTheTemplatesOwnBytes() throws {
        let (_, bytes) = try Self.corpus("ansible-dfw-policy.json.j2")
        let report = try Self.lintCorpus("ansible-dfw-policy.json.j2")
        let text = report.findings.map { String(decoding: bytes[$0.byteRange], as: UTF8.self) }
        #expect(text == [#""marked_for_delete""#, "1200000", #""IN_OUTT""#])
        // The excerpt is the template's line, placeholder and all.
        #expect(report.findings[1].excerpt?.text == #"  "sequence_number": 1200000,"#)
        #expect(report.findings[0].excerpt?.text == #"  "marked_for_delete": {{ markedfordelete }},"#)
    }

    @Test func theMessagesSayWhatIsWrongInTheTemplate() throws {
        let groups = try Self.lintCorpus("ansible-groups.json.j2").findings.map(\.message)
        #expect(groups[0].hasPrefix("trailing ',' before ']'"))
        #expect(groups[1].hasPrefix("the loop's items are not separated by ','"))
    }

    @Test func withoutTemplateReadingTheFirstPlaceholderStopsTheParse() throws {
        let report = try Self.lintCorpus("postman-tier1.json", template: .none)
        let syntax = report.findings.filter { $0.ruleID == "json/syntax" }
        #expect(syntax.map { "\($0.start.line):\($0.start.column)" } == ["7:21"])
        #expect(syntax.first?.message.hasSuffix("parsing stopped here, so the rest of the file was not checked") == true)
        #expect(!report.findings.contains { $0.start.line >= 10 }, "nothing after the placeholder is checked")
        #expect(!report.readAsTemplate)
    }

    // MARK: separators: conditional commas are no mistake, a comma every rendering keeps is

    static func groupWith(_ addresses: String) -> String {
        """
        {"resource_type": "Group", "id": "web", "expression": [
          {"resource_type": "IPAddressExpression", "ip_addresses": \(addresses)}
        ]}
        """
    }

    @Test("a conditional separator is no trailing comma", arguments: [
        #"[ {% for ip in ips %}"{{ ip }}"{% if not loop.last %},{% endif %}{% endfor %} ]"#,
        #"[ {%- for ip in ips -%} "{{ ip }}" {%- if not loop.last -%} , {%- endif -%} {%- endfor -%} ]"#,
        #"[ {% for ip in ips %}{% if not loop.first %},{% endif %}"{{ ip }}"{% endfor %} ]"#,
        #"[ {% for ip in ips %}{{ ip | to_json }}{{ "," if not loop.last }}{% endfor %} ]"#,
        #"[ {% for ip in ips %}"{{ ip }}"{{ loop.last | ternary('', ',') }}{% endfor %} ]"#,
        "[\n{% for ip in ips %}\n  \"{{ ip }}\"{% if not loop.last %},\n{% endif %}\n{% endfor %}\n]",
        #"[ "10.0.0.1", {% for ip in ips %}"{{ ip }}", {% endfor %}"10.0.0.2" ]"#,
    ])
    func conditionalSeparator(_ addresses: String) {
        let report = Self.lint(Self.groupWith(addresses))
        #expect(report.findings.isEmpty, "\(report.findings.map { "\($0.start.column) \($0.message)" })")
        #expect(report.checkedTypes["IPAddressExpression"] == 1)
    }

    @Test func aTrailingCommaEveryRenderingKeepsIsReported() {
        let report = Self.lint(Self.groupWith(#"[ {% for ip in ips %}"{{ ip }}",{% endfor %} ]"#))
        #expect(Self.placed(report) == ["2:91 json/syntax /expression/0/ip_addresses"])
        #expect(report.findings.first?.message.hasPrefix("trailing ',' before ']'") == true)
    }

    @Test func aLoopWithoutSeparatorIsReportedAtItsEnd() {
        let report = Self.lint(Self.groupWith(#"[ {% for ip in ips %}"{{ ip }}"{% endfor %} ]"#))
        #expect(Self.placed(report) == ["2:91 json/syntax /expression/0/ip_addresses"])
        #expect(report.findings.first?.byteRange.count == "{% endfor %}".utf8.count)
    }

    @Test func aMissingCommaAfterAPlaceholderIsReported() {
        let text = """
        {"resource_type": "SecurityPolicy", "id": {{ id }}
         "sequence_number": 5}
        """
        let report = Self.lint(text)
        #expect(Self.placed(report) == ["2:2 json/syntax "])
        #expect(report.findings.first?.message.hasPrefix("missing ',' between members") == true)
    }

    @Test func aMissingCommaBeforeAPlaceholderNamesThePlaceholder() {
        let report = Self.lint(#"{"resource_type": "SecurityPolicy", "id": "a" {{ more }}: 1}"#)
        #expect(Self.placed(report) == ["1:47 json/syntax "])
        #expect(report.findings.first?.message == "missing ',' between members: expected ',' or '}' after the value, found a placeholder; policylint read past it, so later results may be incomplete")
    }

    // MARK: placeholders are opaque values

    @Test func aWholePlaceholderIsAValueOfAnyTypeThatIsPresent() {
        // Each field would be a finding with a wrong value (see the second half).
        let fields = ["sequence_number", "stateful", "category", "rules", "scope", "tags"]
        let placeholders = fields.map { #""\#($0)": {{ policy.\#($0) | to_json }}"# }.joined(separator: ", ")
        let report = Self.lint(#"{"resource_type": "SecurityPolicy", "id": {{id}}, \#(placeholders)}"#)
        #expect(report.findings.isEmpty, "\(report.findings.map(\.message))")
        let wrong = Self.lint(#"{"resource_type": "SecurityPolicy", "sequence_number": "x", "stateful": 1, "category": "X", "rules": 2, "scope": 3, "tags": 4}"#)
        #expect(Set(wrong.findings.map(\.pointer)).isSuperset(of: fields.map { "/" + $0 }))
    }

    @Test func requiredFieldsGivenAsPlaceholdersArePresent() {
        let session = """
        {"resource_type": "RouteBasedIPSecVPNSession", "local_endpoint": {{ endpoint | to_json }},
         "peer_address": {{peer}}, "peer_id": {{peer}}, "authentication_mode": "PSK", "psk": {{ vault_psk }},
         "tunnel_ports": {{ ports }}}
        """
        #expect(Self.lint(session).findings.isEmpty)
        // The same body without them: each is missing, so the test above could fail.
        let bare = #"{"resource_type": "RouteBasedIPSecVPNSession", "authentication_mode": "PSK"}"#
        let missing = Self.lint(bare).findings.map(\.ruleID)
        #expect(missing.contains("schema/required") && missing.contains("nsx/psk-required"))
    }

    @Test func aPlaceholderKeyIsNoUnknownField() {
        let report = Self.lint(#"{"resource_type": "SecurityPolicy", {{ extra_key }}: 1, "{{ other }}": 2, "catgory": "Application"}"#)
        #expect(report.findings.map(\.pointer) == ["/catgory"])
    }

    @Test func placeholdersWrittenTogetherAreOneValue() {
        let report = Self.lint(#"{"resource_type": "SecurityPolicy", "sequence_number": 1{{ n }}0, "id": {{ a }}-{{ b }}, "display_name": {{a}}{{b}}}"#)
        #expect(report.findings.isEmpty, "\(report.findings.map(\.message))")
    }

    @Test func bracesAndClosersInsideAnExpressionDoNotEndIt() {
        let report = Self.lint(#"{"resource_type": "SecurityPolicy", "tags": {{ {'a': {'b': 1}} | dict2items }}, "id": {{ "}}" }}, "category": "Nope"}"#)
        #expect(Self.placed(report) == ["1:111 schema/enum /category"])
    }

    @Test func quotesOfAnExpressionInsideAStringDoNotEndTheString() {
        let report = Self.lint(#"{"resource_type": "SecurityPolicy", "id": "{{ item["id"] }}", "display_name": {{ n }}, "category": "Nope"}"#)
        #expect(Self.placed(report) == ["1:100 schema/enum /category"])
    }

    // MARK: branches, comments, tags

    @Test func ofAnIfOnlyTheFirstBranchIsRead() {
        let first = Self.lint("""
        {"resource_type": "SecurityPolicy",
        {% if strict %}
          "category": "Nope"
        {% elif loose %}
          "category": "Other"
        {% else %}
          "category": "Else"
        {% endif %}
        }
        """)
        #expect(Self.placed(first) == ["3:15 schema/enum /category"])
        let other = Self.lint(#"{"resource_type": "SecurityPolicy", {% if a %}"category": "Application"{% else %}"category": "Nope" "x" 1,{% endif %}}"#)
        #expect(other.findings.isEmpty, "the else branch is not read, broken or not")
    }

    @Test func commentsAndOtherTagsAreNotPartOfTheJSON() {
        let report = Self.lint("""
        {# an Ansible template #}
        {% set owner = "net" %}
        {"resource_type": "SecurityPolicy", {# a comment, with "quotes", {braces} and , commas #}
         "sequence_number": {{ seq }}, {% include 'extra.j2' %}
         "category": "Nope"}
        """)
        #expect(Self.placed(report) == ["5:14 schema/enum /category"])
    }

    @Test func aLoopsElseBranchIsNotRead() {
        let report = Self.lint(#"{"resource_type": "SecurityPolicy", "scope": [{% for s in scopes %}"{{ s }}"{% if not loop.last %},{% endif %}{% else %}"a" "b"{% endfor %}]}"#)
        #expect(report.findings.isEmpty, "\(report.findings.map(\.message))")
    }

    // MARK: which files are read as templates

    @Test func autoReadsJ2FilesAndFilesThatStopAtTemplateSyntax() {
        let plain = #"{"resource_type": "SecurityPolicy", "category": "Nope"}"#
        #expect(!Self.lint(plain, file: "p.json").readAsTemplate)
        // A .j2 file without template syntax is no template in the summary.
        #expect(!Self.lint(plain, file: "p.json.j2").readAsTemplate)
        let templated = #"{"resource_type": "SecurityPolicy", "stateful": {{ s }}, "category": "Nope"}"#
        for (file, mode) in [("p.json", TemplateMode.auto), ("p.json.j2", .auto), ("p.json", .jinja), ("P.J2", .auto)] {
            let report = Self.lint(templated, file: file, template: mode)
            #expect(report.readAsTemplate, "\(file) \(mode)")
            #expect(Self.placed(report) == ["1:70 schema/enum /category"], "\(file) \(mode)")
        }
        #expect(Self.lint(templated, file: "p.json.j2", template: .none).findings.contains { $0.ruleID == "json/syntax" })
    }

    @Test func postmansDynamicVariablesAreTemplateSyntax() {
        let report = Self.lint(#"{"resource_type": "SecurityPolicy", "id": {{$guid}}, "sequence_number": {{$randomInt}}, "category": "Nope"}"#, file: "p.json")
        #expect(report.readAsTemplate)
        #expect(report.findings.map(\.pointer) == ["/category"])
    }

    @Test func aDoubledBraceInPlainJSONStaysASyntaxError() {
        let report = Self.lint(#"{{"resource_type": "SecurityPolicy"}}"#, file: "p.json")
        #expect(!report.readAsTemplate)
        #expect(report.findings.map(\.ruleID).contains("json/syntax"))
    }

    @Test func plainJSONReadsTheSameInEveryMode() throws {
        for name in ["dfw-policies.export.json", "broken-edit.json", "web-policy.put.json", "hapi-infra.patch.json"] {
            let bytes = [UInt8](try Data(contentsOf: Golden.root.appendingPathComponent("testdata/samples/" + name)))
            let reports = TemplateMode.allCases.map { mode -> [String] in
                var options = LintOptions()
                options.template = mode
                return Linter(ruleSet: builtInRules, options: options).lint(file: name, bytes: bytes).findings
                    .map { "\($0.start.line):\($0.start.column)-\($0.end.line):\($0.end.column) \($0.byteRange) \($0.ruleID) \($0.pointer) \($0.message)" }
            }
            #expect(!reports[0].isEmpty)
            #expect(reports.allSatisfy { $0 == reports[0] }, "\(name)")
        }
    }

    @Test func fixLeavesATemplateAlone() {
        let fixer = Fixer(ruleSet: builtInRules, options: LintOptions())
        let outcome = fixer.fix(file: "p.json.j2", bytes: Array(#"{"resource_type": "SecurityPolicy", "_create_user": {{ u }}, "category": "application"}"#.utf8))
        guard case .refused(let reason) = outcome else { Issue.record("fixed a template: \(outcome)"); return }
        #expect(reason.contains("template"))
    }

    // MARK: hostile input: never a crash or a hang, always a finding that says why

    @Test("a template that cannot be rendered is a syntax error at its place", arguments: [
        (#"{"a": {{ x"#, "1:7", "'{{' is never closed by '}}'"),
        ("{\"a\": 1}\n{%", "2:1", "'{%' is never closed by '%}'"),
        ("{#", "1:1", "'{#' is never closed by '#}'"),
        ("{{", "1:1", "'{{' is never closed by '}}'"),
        ("{}{{", "1:3", "'{{' is never closed by '}}'"),
        (#"{"a": [{% for x in y %}1{% endif %}]}"#, "1:8", "this '{% for %}' is never closed by '{% endfor %}'"),
        (#"{"a": [{% for x in y %}1{% endif %}]}"#, "1:25", "'{% endif %}' closes no '{% if %}'"),
        (#"{% if a %}{"x": 1}{% else %}{"x": "#, "1:1", "this '{% if %}' is never closed by '{% endif %}'"),
        (#"{"a": 1 {% else %}}"#, "1:9", "'{% else %}' outside an '{% if %}' or '{% for %}' block"),
        (#"{"a": 1 {% elif x %}}"#, "1:9", "'{% elif %}' outside an '{% if %}' block"),
        (#"["{{ x }}", {% endfor %} 1]"#, "1:13", "'{% endfor %}' closes no '{% for %}'"),
    ])
    func unrenderable(_ text: String, _ at: String, _ message: String) {
        let syntax = Self.lint(text, template: .jinja).findings.filter { $0.ruleID == "json/syntax" }
        #expect(syntax.contains { "\($0.start.line):\($0.start.column)" == at && $0.message.hasPrefix(message) },
                "\(syntax.map { "\($0.start.line):\($0.start.column) \($0.message)" })")
    }

    @Test("odd input never crashes", arguments: [
        "", "{", "}", "{{}}", "{%%}", "{##}", "{{ }", "{% }", "\"{{", "\"{{ \"}} \"", "{{ '", "{{ \"}}", "{ {{ x }} }",
        "[{{ x }}{{ y }}]", "-{{ n }}", "{{ x }}.5", "{%- if -%}{%- endif -%}", "{% endif %}{% endif %}", "{% for %}{% else %}{% else %}{% endfor %}",
        "[1, {% if a %}, {% endif %}]", "{\"a\": {{ x\n }}\n}", "\u{FEFF}{{ x }}", "{{ x }}\r\n", "\"\\{{ x }}\"", "{{ \u{1B}[31m }}",
    ])
    func oddInput(_ text: String) {
        for mode in TemplateMode.allCases {
            _ = Self.lint(text, template: mode)
        }
    }

    @Test("large hostile templates are read in linear time", arguments: [
        "[" + String(repeating: #""{{ (","#, count: 20000) + "1]",
        "[" + String(repeating: "{{ ( }},", count: 20000) + "1]",
        "[" + String(repeating: "{% if a %}", count: 5000) + "1" + String(repeating: "{% else %}2{% endif %}", count: 5000) + "]",
        "[" + String(repeating: "{% for a in b %}{% if x %},", count: 5000) + "1" + String(repeating: "{% endif %}{% endfor %}", count: 5000) + "]",
        "[" + String(repeating: "{% endfor %}", count: 20000) + "]",
        "[" + String(repeating: "{{ '", count: 20000) + "]",
    ])
    func largeHostileInput(_ text: String) {
        // A quadratic reading of any of these takes minutes; the test runner's time is the check.
        let report = Self.lint(text, template: .jinja)
        #expect(report.byteCount == text.utf8.count)
    }
}

/// The command line: `--template`, the summary, and directory walks.
@Suite("Template reading end to end", .serialized)
struct TemplateCommandLineTests {
    @Test func theSummaryNamesTheFilesReadAsTemplates() throws {
        let r = try CLI.run(["testdata/templates"])
        #expect(r.status == 1)
        // The walk finds *.json and *.json.j2, not the README.
        for name in ["ansible-dfw-policy.json.j2", "ansible-groups.json.j2", "postman-ipsec-session.json", "postman-tier1.json"] {
            #expect(r.stdout.contains("testdata/templates/\(name):"), "\(name)")
        }
        #expect(!r.stdout.contains("README"))
        #expect(r.stdout.contains("testdata/templates/ansible-dfw-policy.json.j2:8:22: error [nsx/sequence-range] 'sequence_number' is 1200000"))
        #expect(r.stdout.contains("\nread as templates (placeholders and {% else %} branches not checked): testdata/templates/ansible-dfw-policy.json.j2, testdata/templates/ansible-groups.json.j2, testdata/templates/postman-ipsec-session.json, testdata/templates/postman-tier1.json\n"))
    }

    @Test func machineFormatsListTemplateFilesOnlyWhenThereAreSome() throws {
        let json = try CLI.run(["--format", "json", "testdata/templates/postman-tier1.json"])
        let coverage = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["coverage"] as? [String: Any])
        #expect(coverage["templateFiles"] as? [String] == ["testdata/templates/postman-tier1.json"])
        let sarif = try CLI.run(["--format", "sarif", "testdata/templates/postman-tier1.json"])
        #expect(sarif.stdout.contains(#""templateFiles""#))
        let plain = try CLI.run(["--format", "json", "testdata/samples/web-policy.put.json"])
        #expect(!plain.stdout.contains("templateFiles"))
    }

    @Test func templateNoneGivesTheOldSyntaxError() throws {
        let r = try CLI.run(["--template", "none", "testdata/templates/postman-tier1.json"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("testdata/templates/postman-tier1.json:7:21: error [json/syntax] expected a key in double quotes, found '{'; parsing stopped here"))
        #expect(!r.stdout.contains("pool_allocation") && !r.stdout.contains("read as a template"))
    }

    @Test func aPlainFileGivesTheSameBytesWithOrWithoutTemplate() throws {
        for format in ["text", "json", "sarif"] {
            let paths = ["testdata/samples", "testdata/realworld"]
            let base = try CLI.run(["--format", format] + paths)
            for mode in TemplateMode.allCases {
                let r = try CLI.run(["--format", format, "--template", mode.rawValue] + paths)
                #expect(r.stdout == base.stdout && r.status == base.status, "\(format) --template \(mode)")
            }
        }
    }

    @Test func aWrongModeIsAUsageErrorAndTheConfigurationSetsIt() throws {
        let wrong = try CLI.run(["--template", "jinja2", "x.json"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("--template must be one of auto, jinja, none, not 'jinja2'"))
        let templated = #"{"resource_type": "SecurityPolicy", "stateful": {{ s }}, "category": "Nope"}"#
        let folder = try TemporaryFolder([".policylint.json": #"{"template": "none"}"#, "p.json": templated])
        defer { folder.remove() }
        let configured = try CLI.run(["p.json"], in: folder.url)
        #expect(configured.stdout.contains("p.json:1:50: error [json/syntax]"))
        // The command line wins over the configuration.
        let given = try CLI.run(["--template", "auto", "p.json"], in: folder.url)
        #expect(given.stdout.contains("p.json:1:70: error [schema/enum]") && !given.stdout.contains("json/syntax"))
    }

    @Test func aWalkSkipsOtherJ2FilesButANamedOneIsLinted() throws {
        let templated = #"{"resource_type": "SecurityPolicy", "stateful": {{ s }}, "category": "Nope"}"#
        let folder = try TemporaryFolder(["conf/nginx.conf.j2": "server { listen {{ port }}; }", "conf/p.JSON.J2": templated, "policy.j2": templated])
        defer { folder.remove() }
        let walked = try CLI.run(["conf"], in: folder.url)
        #expect(walked.stdout.contains("conf/p.JSON.J2:1:70: error [schema/enum]"))
        #expect(!walked.stdout.contains("nginx"))
        let named = try CLI.run(["policy.j2"], in: folder.url)
        #expect(named.stdout.contains("policy.j2:1:70: error [schema/enum]"))
    }
}
