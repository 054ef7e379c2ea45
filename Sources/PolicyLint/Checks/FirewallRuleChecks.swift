/// Checks of one firewall rule, one policy's rules, one service entry's ports, one group's
/// expression list and one IPSec profile's algorithms: the per-object mistakes NSX rejects on
/// push and the over-broad rules an audit lists (catalogue RULEBASE.md, section 3). Each is named
/// by a pack (rules/nsx-firewall.json, rules/nsx-security-policy.json), which says where it runs.
enum FirewallRuleChecks {
    static let anyAloneFunction = CheckFunction(
        name: "any-alone",
        summary: "`ANY` (in any case) is the only value of each list named: NSX rejects it in conjunction with other values.",
        target: .object,
        rules: ["nsx/any-mixed"],
        options: [
            CheckOption(name: "fields", kind: .strings, description: "the lists of group paths, service paths or addresses in which ANY means everything", defaultValue: nil),
        ],
        make: { options in AnyAlone(fields: options.strings("fields")) })

    static let addressLiteralFunction = CheckFunction(
        name: "address-literals",
        summary: "Each value of the lists named that is not `ANY` and not a policy path (starting with `/`) is an IPv4 or IPv6 address, CIDR block or range `a-b` with its start at or below its end (`nsx/address-literal`), and no block that starts at 0.0.0.0, which NSX rejects (`nsx/any-address`). Template placeholders are not judged.",
        target: .object,
        rules: ["nsx/address-literal", "nsx/any-address"],
        options: [
            CheckOption(name: "fields", kind: .strings, description: "the lists holding group paths or address literals", defaultValue: nil),
        ],
        make: { options in AddressLiterals(fields: options.strings("fields")) })

    static let portFunction = CheckFunction(
        name: "port-values",
        summary: "Each value of the lists named is a port 1–65535 or a range `a-b` of them with `a` below `b` (a range of one port is written as that port). Template placeholders are not judged.",
        target: .object,
        rules: ["nsx/port-range"],
        options: [
            CheckOption(name: "fields", kind: .strings, description: "the lists of ports and port ranges", defaultValue: nil),
        ],
        make: { options in PortValues(fields: options.strings("fields")) })

    static let groupExpressionFunction = CheckFunction(
        name: "group-expression",
        summary: "A group's expression list as NSX requires it (SDK `Group.expression`): an odd number of expressions, a `ConjunctionOperator` at each odd index and none at an even one, at most 5 `Condition` and `NestedExpression` in one list, the same in each `NestedExpression`'s `expressions`; and each `IPAddressExpression`'s addresses valid and of one family.",
        target: .object,
        rules: ["nsx/group-expression"],
        options: [
            CheckOption(name: "field", kind: .string, description: "the field holding the expression list", defaultValue: .string("expression")),
            CheckOption(name: "conjunctions", kind: .strings, description: "the expression types that join two others (AND, OR), at odd positions", defaultValue: nil),
            CheckOption(name: "counted", kind: .strings, description: "the expression types of which one list holds at most 5", defaultValue: nil),
            CheckOption(name: "nested", kind: .strings, description: "the expression types that nest a list (`expressions`), checked in turn", defaultValue: nil),
            CheckOption(name: "addresses", kind: .strings, description: "the expression types that list addresses (`ip_addresses`)", defaultValue: nil),
        ],
        make: { options in
            GroupExpression(field: options.string("field"), conjunctions: Set(options.strings("conjunctions")), counted: Set(options.strings("counted")),
                            nested: Set(options.strings("nested")), addresses: Set(options.strings("addresses")))
        })

    static let policyRulesFunction = CheckFunction(
        name: "policy-rules",
        summary: "The rules of a policy (its `rules`, and the `Rule` of each `ChildRule` in its `children`) against the policy: `JUMP_TO_APPLICATION` only in the categories named (`nsx/jump-outside-environment`, on the rule's `action`), no `ip_protocol` in a layer-2 category (`nsx/l2-ip-protocol`, on the member), and a scope on the rule or the policy (`nsx/gateway-scope`, on the rule). System default rules (`is_default`, `_system_owned`) are not judged.",
        target: .object,
        rules: ["nsx/jump-outside-environment", "nsx/l2-ip-protocol", "nsx/gateway-scope"],
        options: [
            CheckOption(name: "jumpCategories", kind: .strings, description: "the policy categories whose rules may JUMP_TO_APPLICATION; none: no rule of the policy may", defaultValue: .strings([])),
            CheckOption(name: "layer2Categories", kind: .strings, description: "the policy categories whose rules are layer-2 rules, which must not set ip_protocol", defaultValue: .strings([])),
            CheckOption(name: "childRuleKeys", kind: .strings, description: "the keys under which a `children` wrapper of the policy holds a rule (a hierarchical body)", defaultValue: nil),
        ],
        make: { options in
            PolicyRules(jumpCategories: options.strings("jumpCategories"), layer2Categories: options.strings("layer2Categories"),
                        childRuleKeys: options.strings("childRuleKeys"))
        })

    static let ruleHygieneFunction = CheckFunction(
        name: "rule-hygiene",
        summary: "An enabled firewall rule that an audit lists: an ALLOW with ANY source, destination and service (`rulebase/any-any-allow`; not a system default rule), an ALLOW from or to ANY with ANY service (`rulebase/allow-any-service`), a DROP or REJECT, or an ALLOW from or to ANY, without `logged: true` (`rulebase/not-logged`). An absent or empty list is ANY, as NSX reads it; a list with `sources_excluded` or `destinations_excluded` is not ANY.",
        target: .object,
        rules: ["rulebase/any-any-allow", "rulebase/allow-any-service", "rulebase/not-logged"],
        options: [],
        make: { _ in RuleHygiene() })

    static let listedValueFunction = CheckFunction(
        name: "listed-value",
        summary: "A field, or an element of a list field, whose value is one of those named: one finding at each such value, its message naming the value and the reason given.",
        target: .object,
        rules: ["crypto/weak-ike", "crypto/weak-ipsec"],
        options: [
            CheckOption(name: "field", kind: .string, description: "the field: a string, or a list of strings", defaultValue: nil),
            CheckOption(name: "values", kind: .strings, description: "the values that are findings", defaultValue: nil),
            CheckOption(name: "reason", kind: .string, description: "why such a value is a finding and what to use instead, in words", defaultValue: nil),
            CheckOption(name: "level", kind: .oneOf(["rule", "note"]), description: "`note`: the findings are notes whatever the rule's level (a value that is legacy rather than weak)", defaultValue: .string("rule")),
        ],
        make: { options in
            ListedValue(rule: options.rules.first ?? "crypto/weak-ike", field: options.string("field"), values: options.strings("values"),
                        reason: options.string("reason"), asNote: options.string("level") == "note")
        })

    static let all = [anyAloneFunction, addressLiteralFunction, portFunction, groupExpressionFunction, policyRulesFunction,
                      ruleHygieneFunction, listedValueFunction]

    // MARK: - Shared readings

    /// `ANY`, in any case.
    static func isAny(_ node: Int, _ doc: JSONDocument) -> Bool {
        doc.kind(node) == .string && doc.range(node).count == 5 && doc.string(node).uppercased() == "ANY"
    }

    /// A list that means "every address" or "every service" as NSX reads a rule: absent, null,
    /// empty, or holding ANY.
    static func meansAny(_ object: Int, _ field: String, _ doc: JSONDocument) -> Bool {
        guard let list = doc.member(object, field) else { return true }
        switch doc.kind(list) {
        case .null: return true
        case .array: return doc.count(list) == 0 || doc.elements(list).contains { isAny($0, doc) }
        default: return false
        }
    }

    static func isTrue(_ object: Int, _ field: String, _ doc: JSONDocument) -> Bool {
        doc.member(object, field).flatMap(doc.bool) == true
    }

    /// NSX's own default rules and sections.
    static func isSystemDefault(_ object: Int, _ doc: JSONDocument) -> Bool {
        isTrue(object, "is_default", doc) || isTrue(object, "_system_owned", doc)
    }

    static func stringMember(_ object: Int, _ field: String, _ doc: JSONDocument) -> String? {
        doc.member(object, field).flatMap(doc.stringValue)
    }

    /// The key node of a member, for a finding about the member as a whole.
    static func key(of value: Int, in object: Int, _ doc: JSONDocument) -> Int? {
        doc.members(object).first { $0.value == value }?.key
    }

    // MARK: - Bodies

    struct AnyAlone: CheckBody {
        let fields: [String]

        func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
            let doc = context.doc
            for field in fields {
                guard let list = doc.member(object, field), doc.kind(list) == .array, doc.count(list) > 1,
                      let any = doc.elements(list).first(where: { FirewallRuleChecks.isAny($0, doc) }) else { continue }
                let others = doc.count(list) - 1
                context.report("nsx/any-mixed",
                               "'\(field)' holds \(context.describe(any)) together with \(others) other value\(others == 1 ? "" : "s"); NSX rejects ANY in conjunction with other values: write only \"ANY\" for everything, or remove it and keep the values",
                               at: any)
            }
        }
    }

    struct AddressLiterals: CheckBody {
        let fields: [String]

        func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
            let doc = context.doc
            for field in fields {
                guard let list = doc.member(object, field), doc.kind(list) == .array else { continue }
                for element in doc.elements(list) where doc.kind(element) == .string && !FirewallRuleChecks.isAny(element, doc) {
                    // Most values are group paths: told by their first byte, without decoding.
                    let range = doc.range(element)
                    if range.count <= 2 || doc.bytes[range.lowerBound + 1] == UInt8(ascii: "/") { continue }
                    let text = doc.string(element)
                    if text.hasPrefix("/") { continue }
                    switch AddressLiteral.parse(text) {
                    case .invalid(let why, let fixed):
                        if TemplatePlaceholder.occurs(in: text) { continue }
                        context.report("nsx/address-literal",
                                       "'\(field)' holds \(context.describe(element)), which NSX rejects: \(why)", at: element)
                        if let fixed { context.attachFix(TextEdit(range: doc.range(element), replacement: JSONText.quoted(fixed)), "write '\(fixed)'") }
                    case .valid(let block):
                        guard AddressLiteral.startsAtZeroIPv4(block) else { continue }
                        context.report("nsx/any-address",
                                       "'\(field)' holds \(context.describe(element)), a block starting at 0.0.0.0, which NSX rejects (\"Invalid IP address value provided\"); for every address write \"ANY\" instead",
                                       at: element)
                    }
                }
            }
        }
    }

    struct PortValues: CheckBody {
        let fields: [String]

        func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
            let doc = context.doc
            for field in fields {
                guard let list = doc.member(object, field), doc.kind(list) == .array else { continue }
                for element in doc.elements(list) where doc.kind(element) == .string {
                    let text = doc.string(element)
                    guard let problem = Self.problem(text), !TemplatePlaceholder.occurs(in: text) else { continue }
                    context.report("nsx/port-range", "'\(field)' holds \(context.describe(element)): \(problem.why)", at: element)
                    if let fixed = problem.fixed {
                        context.attachFix(TextEdit(range: doc.range(element), replacement: JSONText.quoted(fixed)), "write '\(fixed)'")
                    }
                }
            }
        }

        /// What is wrong with a port or port range, and what to write instead when only one
        /// reading makes sense (a range of one port, a range written backwards); nil if nothing.
        static func problem(_ text: String) -> (why: String, fixed: String?)? {
            func port(_ part: Substring) -> Int? {
                guard !part.isEmpty, part.count <= 6, part.allSatisfy(\.isASCIIDigit) else { return nil }
                return Int(part)
            }
            func bad(_ value: Int) -> String? {
                value == 0 ? "port 0 is no port NSX accepts; ports are 1–65535"
                    : value > 65535 ? "\(value) is above 65535, the highest port" : nil
            }
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 1 {
                guard let value = port(parts[0]) else { return ("not a port (1–65535) or a range of ports such as 8000-8080", nil) }
                return bad(value).map { ($0, nil) }
            }
            guard parts.count == 2, let start = port(parts[0]), let end = port(parts[1]) else {
                return ("not a port (1–65535) or a range of ports such as 8000-8080", nil)
            }
            if let why = bad(start) ?? bad(end) { return (why, nil) }
            if start > end { return ("the range starts above its end: write \(end)-\(start)", "\(end)-\(start)") }
            if start == end { return ("a range of one port, which NSX rejects (\"Invalid port provided\"): write \(start)", "\(start)") }
            return nil
        }
    }

    struct GroupExpression: CheckBody {
        let field: String
        let conjunctions, counted, nested, addresses: Set<String>

        func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
            guard let list = context.doc.member(object, field), context.doc.kind(list) == .array else { return }
            checkList(list, name: field, &context, depth: 0)
        }

        func checkList(_ list: Int, name: String, _ context: inout CheckContext, depth: Int) {
            let doc = context.doc
            let count = doc.count(list)
            guard count > 0, depth < 64 else { return }
            if count % 2 == 0 {
                context.report("nsx/group-expression",
                               "'\(name)' holds \(count) expressions; NSX needs an odd number: expressions at even positions (0, 2, …), each two joined by a ConjunctionOperator (AND or OR) between them",
                               at: list)
            }
            var limited = 0
            for (index, element) in doc.elements(list).enumerated() where doc.kind(element) == .object {
                guard let type = FirewallRuleChecks.stringMember(element, "resource_type", doc) else { continue }
                let isConjunction = conjunctions.contains(type)
                if index % 2 == 1 && !isConjunction {
                    context.report("nsx/group-expression",
                                   "'\(name)' item \(index) is a \(clipped(type, 40)) where a ConjunctionOperator (AND or OR) belongs: NSX needs the expressions at even positions and a conjunction between each two",
                                   at: element)
                } else if index % 2 == 0 && isConjunction {
                    context.report("nsx/group-expression",
                                   "'\(name)' item \(index) is a ConjunctionOperator where an expression belongs: a conjunction stands only between two expressions, at an odd position",
                                   at: element)
                }
                if counted.contains(type) { limited += 1 }
                if nested.contains(type), let inner = doc.member(element, "expressions"), doc.kind(inner) == .array {
                    checkList(inner, name: "expressions", &context, depth: depth + 1)
                }
                if addresses.contains(type) { checkAddresses(element, &context) }
            }
            if limited > 5 {
                context.report("nsx/group-expression",
                               "'\(name)' holds \(limited) \(counted.sorted().joined(separator: " and ")) expressions; NSX allows at most 5 in one list: combine conditions in a nested expression or split the group",
                               at: list)
            }
        }

        func checkAddresses(_ expression: Int, _ context: inout CheckContext) {
            let doc = context.doc
            guard let list = doc.member(expression, "ip_addresses"), doc.kind(list) == .array else { return }
            var first: (node: Int, family: AddressLiteral.Family)?
            for element in doc.elements(list) where doc.kind(element) == .string {
                let text = doc.string(element)
                switch AddressLiteral.parse(text) {
                case .invalid(let why, let fixed):
                    if TemplatePlaceholder.occurs(in: text) { continue }
                    context.report("nsx/group-expression", "'ip_addresses' holds \(context.describe(element)), which NSX rejects: \(why)", at: element)
                    if let fixed { context.attachFix(TextEdit(range: doc.range(element), replacement: JSONText.quoted(fixed)), "write '\(fixed)'") }
                case .valid(let block):
                    guard let seen = first else { first = (element, block.family); continue }
                    guard seen.family != block.family else { continue }
                    let (this, that) = block.family == .ipv6 ? ("IPv6", "IPv4") : ("IPv4", "IPv6")
                    context.report("nsx/group-expression",
                                   "'ip_addresses' holds \(context.describe(element)), an \(this) value, after the \(that) \(context.describe(seen.node)); NSX does not allow IPv4 and IPv6 in one IPAddressExpression: put the \(this) values in an IPAddressExpression of their own, joined by OR",
                                   at: element)
                }
            }
        }
    }

    struct PolicyRules: CheckBody {
        let jumpCategories: [String]
        let layer2Categories: [String]
        let childRuleKeys: [String]

        func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
            let doc = context.doc
            let categoryNode = doc.member(object, "category")
            let category = categoryNode.flatMap(doc.stringValue)
            // Until a template is rendered its category is not known.
            if let category, TemplatePlaceholder.occurs(in: category) { return }
            let policyHasScope = doc.member(object, "scope").map { !context.isEmpty($0) } ?? false
            for rule in rules(of: object, doc) where !FirewallRuleChecks.isSystemDefault(rule, doc) {
                if let action = doc.member(rule, "action"), doc.stringEquals(action, "JUMP_TO_APPLICATION"),
                   !jumpCategories.contains(where: { $0 == category }) {
                    let where_ = jumpCategories.isEmpty ? "a gateway policy, where NSX has no Application category to jump to"
                        : "a policy whose category is \(category.map { "'\(clipped($0, 40))'" } ?? "not set")"
                    context.report("nsx/jump-outside-environment",
                                   "JUMP_TO_APPLICATION in \(where_); NSX supports it only for distributed firewall rules in the Environment category: move the rule to an Environment policy, or use ALLOW, DROP or REJECT",
                                   at: action)
                }
                if let category, layer2Categories.contains(category), let value = doc.member(rule, "ip_protocol"),
                   doc.kind(value) != .null, let key = FirewallRuleChecks.key(of: value, in: rule, doc) {
                    context.report("nsx/l2-ip-protocol",
                                   "'ip_protocol' is set on a rule of the layer-2 \(category) policy; NSX requires it to be null for layer-2 rules (error 500201): remove it",
                                   key: key, value: value)
                }
                if !policyHasScope, doc.member(rule, "scope").map({ context.isEmpty($0) }) ?? true {
                    context.report("nsx/gateway-scope",
                                   "this gateway rule has no 'scope' and neither has its policy, so it applies to no gateway: name the Tier-0 or Tier-1 gateways in the rule's or the policy's scope",
                                   at: rule)
                }
            }
        }

        /// A policy's rules: its `rules` list, and the `Rule` of each `ChildRule` wrapper among its
        /// `children` (a hierarchical body).
        func rules(of policy: Int, _ doc: JSONDocument) -> [Int] {
            var found: [Int] = []
            if let list = doc.member(policy, "rules"), doc.kind(list) == .array {
                found += doc.elements(list).filter { doc.kind($0) == .object }
            }
            if let children = doc.member(policy, "children"), doc.kind(children) == .array {
                for child in doc.elements(children) where doc.kind(child) == .object {
                    for key in childRuleKeys {
                        if let rule = doc.member(child, key), doc.kind(rule) == .object { found.append(rule) }
                    }
                }
            }
            return found
        }
    }

    struct RuleHygiene: CheckBody {
        func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
            let doc = context.doc
            guard !FirewallRuleChecks.isTrue(object, "disabled", doc), let action = doc.member(object, "action"),
                  doc.kind(action) == .string else { return }
            let anySource = FirewallRuleChecks.meansAny(object, "source_groups", doc) && !FirewallRuleChecks.isTrue(object, "sources_excluded", doc)
            let anyDestination = FirewallRuleChecks.meansAny(object, "destination_groups", doc) && !FirewallRuleChecks.isTrue(object, "destinations_excluded", doc)
            let entries = doc.member(object, "service_entries")
            let anyService = FirewallRuleChecks.meansAny(object, "services", doc) && (entries.map { context.isEmpty($0) } ?? true)
            let allows = doc.stringEquals(action, "ALLOW")
            if allows && anySource && anyDestination && anyService {
                if !FirewallRuleChecks.isSystemDefault(object, doc) {
                    context.report("rulebase/any-any-allow",
                                   "this enabled rule allows any source to reach any destination on any service: name the groups and services it is meant for, or disable it",
                                   at: action)
                }
            } else if allows && anyService && anySource != anyDestination {
                let services = doc.member(object, "services")
                context.report("rulebase/allow-any-service",
                               "this rule allows every service \(anySource ? "from any source" : "to any destination"); name the services it is meant for",
                               at: services ?? action)
            }
            let drops = doc.stringEquals(action, "DROP") || doc.stringEquals(action, "REJECT")
            if (drops || (allows && (anySource || anyDestination))), !FirewallRuleChecks.isTrue(object, "logged", doc) {
                let logged = doc.member(object, "logged")
                let broad = anySource && anyDestination ? "from any source to any destination" : anySource ? "from any source" : "to any destination"
                let what = drops ? "a \(doc.string(action)) rule" : "an ALLOW rule \(broad)"
                context.report("rulebase/not-logged",
                               "\(what) without logging: its matches leave no trace for an audit or an incident; set \"logged\": true",
                               at: logged ?? action)
            }
        }
    }

    struct ListedValue: CheckBody {
        /// The rule the use names (each use names one).
        let rule: String
        let field: String
        let values: [String]
        let reason: String
        let asNote: Bool

        func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
            let doc = context.doc
            guard let node = doc.member(object, field) else { return }
            let candidates = doc.kind(node) == .array ? Array(doc.elements(node)) : [node]
            for value in candidates where doc.kind(value) == .string && values.contains(where: { doc.stringEquals(value, $0) }) {
                context.report(rule, "'\(field)' holds \(context.describe(value)): \(reason)", at: value, atMost: asNote ? .note : nil)
            }
        }
    }
}
