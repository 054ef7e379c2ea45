import Testing
@testable import PolicyLint

/// Placeholders of templated JSON (Jinja2, Ansible, Postman, `${var}`) are values not known until
/// rendering: no enum, format, pattern, length, type, secret or reference finding on them, while
/// real mistakes beside them are still reported.
@Suite("Template placeholders")
struct TemplatePlaceholderTests {
    @Test(arguments: ["{{ item.id }}", "{{Tier1-failover_mode}}", "${var}", "/infra/groups/{{ g }}", "{% if x %}a{% endif %}", "pre-{{x}}-post"])
    func aPlaceholderIsFound(_ text: String) { #expect(TemplatePlaceholder.occurs(in: text)) }

    @Test(arguments: ["{braces}", "{{ unclosed", "$var", "a}}b{{", "", "ALLOW"])
    func noPlaceholder(_ text: String) { #expect(!TemplatePlaceholder.occurs(in: text)) }

    @Test func aWholePlaceholderIsOneValue() {
        #expect(TemplatePlaceholder.isWhole(" {{ enabled }} "))
        #expect(TemplatePlaceholder.isWhole("${flag}"))
        #expect(!TemplatePlaceholder.isWhole("{{ a }}-{{ b }}"))
        #expect(!TemplatePlaceholder.isWhole("x{{ a }}"))
    }

    @Test func aTemplateIsCheckedPastItsPlaceholders() {
        let template = """
        {"resource_type": "SecurityPolicy", "id": "{{ item.id }}", "category": "{{ item.category }}",
         "stateful": "{{ stateful }}", "scope": ["/infra/domains/default/groups/{{ item.group }}"],
         "rules": [{"action": "${action}", "direction": "IN_OUTT", "sequence_number": 1,
                    "source_groups": ["/infra/domains/default/groups/{{ g }}"]}]}
        """
        let groups = #"{"results": [{"resource_type": "Group", "id": "web", "path": "/infra/domains/default/groups/web"}]}"#
        let reports = Linter(ruleSet: builtInRules).lint(bundle: [("groups.json", Array(groups.utf8)), ("policy.json", Array(template.utf8))])
        #expect(reports[1].findings.map { "\($0.start.line):\($0.start.column) \($0.ruleID)" } == ["3:49 schema/enum"])
    }

    @Test func aTemplatedCredentialIsNoPlaintextSecret() {
        let body = #"{"resource_type": "RouteBasedIPSecVPNSession", "psk": "{{ vault_ipsec_psk }}", "authentication_mode": "PSK"}"#
        let findings = Linter(ruleSet: builtInRules).lint(file: "s.json", bytes: Array(body.utf8)).findings
        #expect(!findings.contains { $0.ruleID.hasPrefix("secret/") })
    }
}
