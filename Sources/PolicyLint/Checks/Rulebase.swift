/// The distributed and gateway firewall rule base of a run, read the way NSX evaluates it, and
/// the checks on it: rules that can never match (shadowed by the union of earlier rules, with
/// the same or another action), rules whose removal changes nothing, rules after a catch-all,
/// groups that include each other, and groups and services nothing uses.
///
/// Order (VMware NSX Policy API: `SecurityPolicy.category`, `sequence_number`): DFW categories
/// Ethernet (a separate layer-2 table), Emergency, Infrastructure, Environment, Application,
/// then policies without a category; gateway categories Emergency … Default; within a category
/// policies by sequence number, then their rules by sequence number. Equal numbers leave the
/// order unknown, and no claim is made between such rules.
struct RulebaseAnalysis: RunCheckBody {
    static let function = CheckFunction(
        name: "rulebase",
        summary: "Reads every SecurityPolicy and GatewayPolicy of the run with their rules, groups and services, in NSX's evaluation order (categories, policy and rule sequence numbers, the default rule `connectivity_preference` adds, `JUMP_TO_APPLICATION`, disabled rules), and compares what each rule matches (sources, destinations, services, direction, IP family, scope) with the rules before and after it.",
        target: .run,
        rules: ["rulebase/shadowed", "rulebase/shadowed-conflict", "rulebase/redundant", "rulebase/after-catch-all",
                "nsx/group-cycle", "rulebase/unused-group", "rulebase/unused-service"],
        options: RulebaseVocabulary.options,
        make: { RulebaseAnalysis(vocabulary: RulebaseVocabulary($0)) })

    let vocabulary: RulebaseVocabulary

    func check(run: RunInput) -> [Int: [Issue]] {
        var analysis = RulebaseRun(run, vocabulary: vocabulary)
        analysis.read()
        analysis.analyse()
        return analysis.issues
    }
}

/// What the analysis reads, by name, as its pack gives it (`rules/rulebase.json`): which types
/// are policies, rules, groups and services, the kinds of group expressions and service entries
/// it computes, and the categories in NSX's evaluation order.
struct RulebaseVocabulary: Sendable {
    let dfwPolicies, gatewayPolicies, ruleTypes, groups, services: Set<String>
    /// Highest priority first; a layer-2 category is a table of its own.
    let dfwCategories, gatewayCategories: [String]
    let layer2Categories: Set<String>
    /// The category whose rules may jump to the next one (JUMP_TO_APPLICATION).
    let jumpCategory: String
    let addressExpressions, pathExpressions, nestedExpressions, conjunctions: Set<String>
    let portEntries, icmpEntries, protocolEntries, nestedServiceEntries: Set<String>

    static let options: [CheckOption] = [
        ("dfwPolicies", "the types of distributed firewall policies"),
        ("gatewayPolicies", "the types of gateway firewall policies"),
        ("ruleTypes", "the types of the rules a policy holds"),
        ("groups", "the types of groups rules name by path"),
        ("services", "the types of services rules name by path"),
        ("dfwCategories", "the distributed firewall's categories, highest priority first"),
        ("gatewayCategories", "the gateway firewall's categories, highest priority first"),
        ("layer2Categories", "the categories whose rules are a layer-2 table of their own"),
        ("addressExpressions", "the group expressions that list addresses (`ip_addresses`)"),
        ("pathExpressions", "the group expressions that name other groups (`paths`)"),
        ("nestedExpressions", "the group expressions that nest a list (`expressions`)"),
        ("conjunctions", "the group expressions that join the others (`conjunction_operator` AND or OR)"),
        ("portEntries", "the service entries of a protocol and ports (`l4_protocol`, `destination_ports`)"),
        ("icmpEntries", "the service entries of an ICMP type and code"),
        ("protocolEntries", "the service entries of an IP protocol number"),
        ("nestedServiceEntries", "the service entries that name another service (`nested_service_path`)"),
    ].map { CheckOption(name: $0.0, kind: .strings, description: $0.1, defaultValue: nil) }
        + [CheckOption(name: "jumpCategory", kind: .string, description: "the category whose rules may JUMP_TO_APPLICATION", defaultValue: nil)]

    init(_ o: CheckOptionValues) {
        dfwPolicies = Set(o.strings("dfwPolicies")); gatewayPolicies = Set(o.strings("gatewayPolicies"))
        ruleTypes = Set(o.strings("ruleTypes")); groups = Set(o.strings("groups")); services = Set(o.strings("services"))
        dfwCategories = o.strings("dfwCategories"); gatewayCategories = o.strings("gatewayCategories")
        layer2Categories = Set(o.strings("layer2Categories")); jumpCategory = o.string("jumpCategory")
        addressExpressions = Set(o.strings("addressExpressions")); pathExpressions = Set(o.strings("pathExpressions"))
        nestedExpressions = Set(o.strings("nestedExpressions")); conjunctions = Set(o.strings("conjunctions"))
        portEntries = Set(o.strings("portEntries")); icmpEntries = Set(o.strings("icmpEntries"))
        protocolEntries = Set(o.strings("protocolEntries")); nestedServiceEntries = Set(o.strings("nestedServiceEntries"))
    }
}

/// One rule as the analysis sees it.
struct FlatRule {
    enum Action { case allow, deny, jump }
    var file: Int
    /// The rule's object (the policy's `connectivity_preference` value for the default rule).
    var node: Int
    var name: String
    var policyName: String
    var categoryName: String
    var table: Int
    var categoryRank: Int
    var policySeq: Double
    var policyIndex: Int
    var ruleSeq: Double
    var listIndex: Int
    var action: Action
    var actionText: String
    var system: Bool
    /// The default rule a policy's `connectivity_preference` adds.
    var implicit: Bool
    /// At least the packets it matches; nil when it matches nothing.
    var upper: Box
    /// At most the packets it matches (to cover others); nil when not known.
    var lower: Box?
    var isCatchAll: Bool
    var seqText: String
}

struct RulebaseRun {
    let run: RunInput
    let vocabulary: RulebaseVocabulary
    var issues: [Int: [Issue]] = [:]

    // Read from the files.
    struct Located { var file: Int; var node: Int; var path: String }
    var groups: [String: Located] = [:]
    var services: [String: Located] = [:]
    var policies: [(file: Int, node: Int, type: String, path: String?)] = []
    var looseRules: [(file: Int, node: Int, parent: String)] = []
    /// The paths the run names, by hash (as the bundle index hashes them).
    var used = Set<UInt64>()
    var domainsWithPolicies = Set<String>()
    var tokens: [String: Int32] = [:]
    var rules: [FlatRule] = []
    var groupValues: [String: Dim?] = [:]
    /// A path's addresses by the hash of its text: a computed group's, or its own token.
    var pathValues: [UInt64: Dim] = [:]
    var groupsInProgress = Set<String>()
    var serviceValues: [String: Dim] = [:]
    /// Each file's line starts, for the line numbers messages name.
    let lineIndexes: [LineIndex]
    /// Related locations still to be placed: (the issue's file, its index there, the place).
    var pendingRelated: [(issueFile: Int, issue: Int, file: Int, node: Int)] = []

    /// The files' documents, read in place (`docs[f].member(…)` borrows; a copy retained each
    /// of its arrays, for every field read).
    let docs: [JSONDocument]

    init(_ run: RunInput, vocabulary: RulebaseVocabulary) {
        self.run = run
        self.vocabulary = vocabulary
        docs = run.files.map(\.doc)
        lineIndexes = run.files.map { LineIndex($0.doc) }
    }

    /// Line and column of many offsets: each file's in order, with one cursor (a minified export
    /// is one line, and counting each column from its start would be quadratic).
    func positions(_ requests: [(file: Int, offset: Int)]) -> [SourcePosition] {
        var out = [SourcePosition](repeating: SourcePosition(line: 1, column: 1), count: requests.count)
        var byFile: [Int: [Int]] = [:]
        for (i, r) in requests.enumerated() { byFile[r.file, default: []].append(i) }
        for (f, indices) in byFile {
            var cursor = LineIndex.Cursor(lineIndexes[f])
            for i in indices.sorted(by: { requests[$0].offset < requests[$1].offset }) { out[i] = cursor.position(of: requests[i].offset) }
        }
        return out
    }

    func line(_ f: Int, _ node: Int) -> Int { lineIndexes[f].lineNumber(of: docs[f].range(node).lowerBound) + 1 }

    func doc(_ f: Int) -> JSONDocument { docs[f] }

    mutating func token(_ text: String) -> Int32 {
        if let t = tokens[text] { return t }
        let t = Int32(tokens.count)
        tokens[text] = t
        return t
    }

    // MARK: Reading

    mutating func read() {
        for (f, file) in run.files.enumerated() {
            let doc = file.doc
            var pathByNode: [Int: String] = [:]
            for object in file.facts.objects where !object.path.isEmpty && object.uniqueKey == 0 { pathByNode[object.node] = object.path }
            for reference in file.facts.references { used.insert(reference.targetHash) }
            var listed = Set<Int>()
            for resource in file.resources {
                let node = resource.node
                let type = resource.typeName
                if vocabulary.dfwPolicies.contains(type) || vocabulary.gatewayPolicies.contains(type) {
                    let path = pathByNode[node] ?? doc.member(node, "path").flatMap(doc.stringValue)
                    policies.append((f, node, resource.typeName, path))
                    if let path, let domain = Self.domain(of: path) { domainsWithPolicies.insert(domain) }
                    if let list = doc.member(node, "rules"), doc.kind(list) == .array {
                        for element in doc.elements(list) { listed.insert(element) }
                    }
                } else if vocabulary.groups.contains(type) {
                    if let path = pathByNode[node] ?? doc.member(node, "path").flatMap(doc.stringValue) { groups[path] = Located(file: f, node: node, path: path) }
                } else if vocabulary.services.contains(type) {
                    if let path = pathByNode[node] ?? doc.member(node, "path").flatMap(doc.stringValue) { services[path] = Located(file: f, node: node, path: path) }
                }
            }
            for resource in file.resources where vocabulary.ruleTypes.contains(resource.typeName) && !listed.contains(resource.node) {
                guard let path = pathByNode[resource.node] ?? doc.member(resource.node, "path").flatMap(doc.stringValue),
                      let range = path.ranges(of: "/rules/").last else { continue }
                looseRules.append((f, resource.node, String(path[..<range.lowerBound])))
            }
        }
    }

    /// `/infra/domains/d/groups/g` → `/infra/domains/d`.
    static func domain(of path: String) -> String? {
        let utf8 = Array(path.utf8)
        let marker = Array("/domains/".utf8)
        guard utf8.count > marker.count else { return nil }
        for i in 0...(utf8.count - marker.count) where utf8[i] == 0x2F && Array(utf8[i..<(i + marker.count)]) == marker {
            var end = i + marker.count
            while end < utf8.count && utf8[end] != 0x2F { end += 1 }
            return String(decoding: utf8[..<end], as: UTF8.self)
        }
        return nil
    }

    func text(_ f: Int, _ node: Int, _ key: String) -> String? {
        docs[f].member(node, key).flatMap(docs[f].stringValue)
    }

    func flag(_ f: Int, _ node: Int, _ key: String) -> Bool { docs[f].member(node, key).flatMap(docs[f].bool) ?? false }

    func strings(_ f: Int, _ node: Int, _ key: String) -> [(node: Int, text: String)] {
        let doc = doc(f)
        guard let list = doc.member(node, key), doc.kind(list) == .array else { return [] }
        return doc.elements(list).compactMap { e in doc.stringValue(e).map { (e, $0) } }
    }

    /// The members of an object named by `keys`, found in one pass (a rule is read for a dozen
    /// fields; looking each up by name walked its members a dozen times).
    func fields(_ f: Int, _ node: Int, _ keys: [StaticString]) -> [Int?] {
        let doc = doc(f)
        var out = [Int?](repeating: nil, count: keys.count)
        for (k, v) in doc.members(node) {
            let length = doc.decodedLength(k)
            for (i, key) in keys.enumerated() where key.utf8CodeUnitCount == length && doc.rawStringIs(k, key) { out[i] = v; break }
        }
        return out
    }

    func text(_ f: Int, _ node: Int?) -> String? { node.flatMap(docs[f].stringValue) }
    func flag(_ f: Int, _ node: Int?) -> Bool { node.flatMap(docs[f].bool) ?? false }
    func strings(_ f: Int, _ list: Int?) -> [(node: Int, text: String)] {
        let doc = doc(f)
        guard let list, doc.kind(list) == .array else { return [] }
        return doc.elements(list).compactMap { e in doc.stringValue(e).map { (e, $0) } }
    }

    static func isAny(_ text: String) -> Bool { text.utf8.count == 3 && text.uppercased() == "ANY" }

    func number(_ f: Int, _ node: Int, _ key: String) -> Double {
        docs[f].member(node, key).flatMap(docs[f].double) ?? 0
    }

    // MARK: Groups and services

    /// A group's addresses when its membership is computable from the run; nil when opaque.
    mutating func groupValue(_ path: String) -> Dim? {
        if let known = groupValues[path] { return known }
        guard let group = groups[path], !groupsInProgress.contains(path) else { return nil }
        groupsInProgress.insert(path)
        let value = docs[group.file].member(group.node, "expression").flatMap { expressions($0, file: group.file) }
        groupsInProgress.remove(path)
        groupValues[path] = .some(value)
        return value
    }

    /// An expression list: OR of AND terms.
    mutating func expressions(_ list: Int, file f: Int) -> Dim? {
        let doc = doc(f)
        guard doc.kind(list) == .array, doc.count(list) > 0 else { return nil }
        var result: Dim? = nil
        var term: Dim? = nil
        var pendingAnd = false
        for element in doc.elements(list) {
            guard doc.kind(element) == .object else { return nil }
            let type = text(f, element, "resource_type") ?? ""
            if vocabulary.conjunctions.contains(type) {
                let op = (text(f, element, "conjunction_operator") ?? "").uppercased()
                if op == "AND" { pendingAnd = true }
                else if op == "OR" {
                    if let t = term { result = result.map { Dim.union($0, t, .addresses) } ?? t }
                    term = nil; pendingAnd = false
                } else { return nil }
                continue
            }
            guard let value = expression(element, type: type, file: f) else { return nil }
            if let t = term, pendingAnd { term = Dim.intersect(t, value) } else if let t = term { term = Dim.union(t, value, .addresses) } else { term = value }
            pendingAnd = false
        }
        if let t = term { result = result.map { Dim.union($0, t, .addresses) } ?? t }
        return result
    }

    mutating func expression(_ node: Int, type: String, file f: Int) -> Dim? {
        if vocabulary.addressExpressions.contains(type) {
            var d = Dim()
            for (_, literal) in strings(f, node, "ip_addresses") {
                guard let parsed = AddressSpans.parse(literal) else { return nil }
                d.a += parsed.v4; d.b += parsed.v6
            }
            return d.normalized(.addresses)
        }
        if vocabulary.pathExpressions.contains(type) {
            var d = Dim()
            for (_, path) in strings(f, node, "paths") {
                guard let value = groupValue(path) else { return nil }
                d = Dim.union(d, value, .addresses)
            }
            return d
        }
        if vocabulary.nestedExpressions.contains(type) {
            return docs[f].member(node, "expressions").flatMap { expressions($0, file: f) }
        }
        return nil
    }

    /// The group paths an expression list names, with the string nodes that name them.
    func groupReferences(_ list: Int, file f: Int, into out: inout [(node: Int, path: String)]) {
        let doc = doc(f)
        guard doc.kind(list) == .array else { return }
        for element in doc.elements(list) where doc.kind(element) == .object {
            for (node, path) in strings(f, element, "paths") where path.contains("/groups/") { out.append((node, path)) }
            if let nested = doc.member(element, "expressions") { groupReferences(nested, file: f, into: &out) }
        }
    }

    /// A source or destination list. Paths are looked up by their hash, computed from the
    /// document's bytes: a rule base names the same groups over and over.
    mutating func addresses(_ f: Int, _ list: Int?) -> Dim {
        let doc = doc(f)
        guard let list, doc.kind(list) == .array, doc.count(list) > 0 else { return .everything }
        var d = Dim()
        var opaque: [Int32] = []
        for e in doc.elements(list) where doc.kind(e) == .string {
            if doc.rawStringHasPrefix(e, "/") {
                let hash = doc.stringHash(e)
                used.insert(hash)
                let value: Dim
                if let known = pathValues[hash] { value = known } else {
                    let path = doc.string(e)
                    value = groupValue(path) ?? Dim(tokens: [token(path)])
                    pathValues[hash] = value
                }
                if value.a.isEmpty && value.b.isEmpty && !value.all { opaque += value.tokens } else { d = Dim.union(d, value, .addresses) }
                continue
            }
            let text = doc.string(e)
            if Self.isAny(text) { return .everything }
            if let parsed = AddressSpans.parse(text) {
                d.a += parsed.v4; d.b += parsed.v6
            } else {
                opaque.append(token("literal:" + text))
            }
        }
        if !opaque.isEmpty { d.tokens = Array(Set(d.tokens + opaque)).sorted() }
        return d.normalized(.addresses)
    }

    mutating func serviceValue(_ path: String, depth: Int = 0) -> Dim {
        if let known = serviceValues[path] { return known }
        guard let service = services[path], depth < 8,
              let list = docs[service.file].member(service.node, "service_entries"), docs[service.file].kind(list) == .array,
              docs[service.file].count(list) > 0 else {
            return Dim(tokens: [token(path)])
        }
        var d = Dim()
        for entry in docs[service.file].elements(list) { d = Dim.union(d, serviceEntry(entry, file: service.file, depth: depth), .services) }
        serviceValues[path] = d
        return d
    }

    mutating func serviceEntry(_ node: Int, file f: Int, depth: Int) -> Dim {
        let doc = doc(f)
        let type = text(f, node, "resource_type") ?? ""
        func opaque() -> Dim {
            var key = type
            for field in ["l4_protocol", "source_ports", "destination_ports", "alg", "ether_type", "protocol", "icmp_type", "icmp_code", "protocol_number", "nested_service_path"] {
                if let v = doc.member(node, field) { key += "|\(field)=" + String(decoding: doc.bytes[doc.range(v)], as: UTF8.self) }
            }
            return Dim(tokens: [token("entry:" + key)])
        }
        // Each kind of entry, as the pack names them; any other is compared whole.
        let kind = vocabulary.portEntries.contains(type) ? 1 : vocabulary.icmpEntries.contains(type) ? 2
            : vocabulary.protocolEntries.contains(type) ? 3 : vocabulary.nestedServiceEntries.contains(type) ? 4 : 0
        switch kind {
        case 1:
            let proto: UInt128
            switch (text(f, node, "l4_protocol") ?? "").uppercased() {
            case "TCP": proto = 6
            case "UDP": proto = 17
            default: return opaque()
            }
            guard strings(f, node, "source_ports").isEmpty else { return opaque() }
            let ports = strings(f, node, "destination_ports")
            if ports.isEmpty { return Dim(a: [Span(lo: proto << 16, hi: proto << 16 | 0xFFFF)]) }
            var spans: [Span] = []
            for (_, port) in ports {
                let parts = port.split(separator: "-", omittingEmptySubsequences: false)
                guard parts.count <= 2, let lo = UInt128(parts[0].trimmingPrefix(" ")), let hi = UInt128(parts.last!.trimmingPrefix(" ")),
                      lo <= hi, hi <= 65535 else { return opaque() }
                spans.append(Span(lo: proto << 16 | lo, hi: proto << 16 | hi))
            }
            return Dim(a: spans).normalized(.services)
        case 2:
            let proto: UInt128
            switch (text(f, node, "protocol") ?? "").uppercased() {
            case "ICMPV4": proto = 1
            case "ICMPV6": proto = 58
            default: return opaque()
            }
            guard let typeNode = doc.member(node, "icmp_type") else { return Dim(a: [Span(lo: proto << 16, hi: proto << 16 | 0xFFFF)]) }
            guard let t = doc.double(typeNode), t >= 0, t <= 255 else { return opaque() }
            let base = proto << 16 | UInt128(t) << 8
            guard let codeNode = doc.member(node, "icmp_code") else { return Dim(a: [Span(lo: base, hi: base | 0xFF)]) }
            guard let c = doc.double(codeNode), c >= 0, c <= 255 else { return opaque() }
            return Dim(a: [Span(lo: base | UInt128(c), hi: base | UInt128(c))])
        case 3:
            guard let n = doc.member(node, "protocol_number").flatMap(doc.double), n >= 0, n <= 255 else { return opaque() }
            return Dim(a: [Span(lo: UInt128(n) << 16, hi: UInt128(n) << 16 | 0xFFFF)])
        case 4:
            guard let path = text(f, node, "nested_service_path") else { return opaque() }
            used.insert(hashText(path))
            return serviceValue(path, depth: depth + 1)
        default:
            return opaque()
        }
    }

    mutating func serviceDim(_ f: Int, services: Int?, entries: Int?) -> Dim {
        let paths = strings(f, services)
        let entries = entries.flatMap { docs[f].kind($0) == .array && docs[f].count($0) > 0 ? $0 : nil }
        if paths.contains(where: { Self.isAny($0.text) }) || (paths.isEmpty && entries == nil) { return .everything }
        var d = Dim()
        for (_, path) in paths {
            used.insert(hashText(path))
            d = Dim.union(d, serviceValue(path), .services)
        }
        if let entries {
            for entry in docs[f].elements(entries) where docs[f].kind(entry) == .object { d = Dim.union(d, serviceEntry(entry, file: f, depth: 0), .services) }
        }
        return d
    }

    mutating func scopeDim(_ values: [(node: Int, text: String)]) -> Dim? {
        if values.isEmpty { return nil }
        if values.contains(where: { Self.isAny($0.text) }) { return .everything }
        for (_, path) in values { used.insert(hashText(path)) }
        return Dim(tokens: Array(Set(values.map { token("scope:" + $0.text) })).sorted())
    }

    // MARK: The rule base


    static let ruleKeys: [StaticString] = ["disabled", "scope", "action", "source_groups", "destination_groups", "sources_excluded", "destinations_excluded",
                                           "services", "service_entries", "direction", "ip_protocol", "sequence_number", "display_name", "id",
                                           "_system_owned", "is_default"]

    mutating func flatten() {
        var rulesByPolicyPath: [String: [(file: Int, node: Int)]] = [:]
        for loose in looseRules { rulesByPolicyPath[loose.parent, default: []].append((loose.file, loose.node)) }
        for (p, policy) in policies.enumerated() {
            let f = policy.file, node = policy.node
            let isGateway = vocabulary.gatewayPolicies.contains(policy.type)
            let category = text(f, node, "category") ?? ""
            let table: Int, rank: Int
            if isGateway {
                table = 2
                rank = vocabulary.gatewayCategories.firstIndex(of: category) ?? vocabulary.gatewayCategories.count
            } else if vocabulary.layer2Categories.contains(category) {
                table = 1; rank = 0
            } else {
                table = 0
                rank = vocabulary.dfwCategories.firstIndex(of: category) ?? vocabulary.dfwCategories.count
            }
            let categoryName = (isGateway ? "Gateway " : "") + (category.isEmpty ? "no category" : category)
            let policyName = text(f, node, "display_name") ?? text(f, node, "id") ?? policy.path ?? "policy"
            let policySystem = flag(f, node, "is_default") || flag(f, node, "_system_owned")
            let policySeq = number(f, node, "sequence_number")
            let policyScope = scopeDim(strings(f, node, "scope"))
            var members: [(file: Int, node: Int)] = []
            if let list = docs[f].member(node, "rules"), docs[f].kind(list) == .array {
                members = docs[f].elements(list).filter { docs[f].kind($0) == .object }.map { (f, $0) }
            }
            if let path = policy.path { members += rulesByPolicyPath[path] ?? [] }
            for (i, member) in members.enumerated() {
                let (rf, rn) = member
                let m = fields(rf, rn, Self.ruleKeys)
                guard !flag(rf, m[0]) else { continue }
                let ruleScope = scopeDim(strings(rf, m[1]))
                guard let scope = policyScope ?? ruleScope ?? (isGateway ? nil : .everything) else { continue }
                let actionText = text(rf, m[2]) ?? "ALLOW"
                let action: FlatRule.Action
                switch actionText.uppercased() {
                case "ALLOW": action = .allow
                case "DROP", "REJECT": action = .deny
                case "JUMP_TO_APPLICATION": action = .jump
                default: continue
                }
                var source = addresses(rf, m[3]), destination = addresses(rf, m[4])
                var sourceLower: Dim? = source, destinationLower: Dim? = destination
                if flag(rf, m[5]) { (source, sourceLower) = Self.complement(source) }
                if flag(rf, m[6]) { (destination, destinationLower) = Self.complement(destination) }
                let service = serviceDim(rf, services: m[7], entries: m[8])
                let direction: Dim
                switch (text(rf, m[9]) ?? "IN_OUT").uppercased() {
                case "IN": direction = Dim(a: [Span(lo: 0, hi: 0)])
                case "OUT": direction = Dim(a: [Span(lo: 1, hi: 1)])
                default: direction = .everything
                }
                var family: Dim
                switch (text(rf, m[10]) ?? "IPV4_IPV6").uppercased() {
                case "IPV4": family = Dim(a: [Span(lo: 0, hi: 0)])
                case "IPV6": family = Dim(a: [Span(lo: 1, hi: 1)])
                default: family = .everything
                }
                // An address of one family never matches a packet of the other.
                for side in [source, destination] where !side.all && !side.hasTokens {
                    var families = Dim()
                    if !side.a.isEmpty { families.a.append(Span(lo: 0, hi: 0)) }
                    if !side.b.isEmpty { families.a.append(Span(lo: 1, hi: 1)) }
                    family = Dim.intersect(family, families.normalized(.twoValues))
                }
                let upper = Box(dims: [scope, source, destination, service, direction, family])
                var lower: Box? = nil
                if let sourceLower, let destinationLower {
                    // Without an exclusion the two are one set, stored once (115,200 rules of a
                    // large export made a copy each).
                    lower = sourceLower == source && destinationLower == destination ? upper
                        : Box(dims: [scope, sourceLower, destinationLower, service, direction, family])
                }
                let seqNode = m[11]
                let name = text(rf, m[12]) ?? text(rf, m[13]) ?? "rule"
                rules.append(FlatRule(
                    file: rf, node: rn, name: name, policyName: policyName, categoryName: categoryName, table: table, categoryRank: rank,
                    policySeq: policySeq, policyIndex: p, ruleSeq: seqNode.flatMap(docs[rf].double) ?? 0, listIndex: i,
                    action: action, actionText: actionText.uppercased(), system: policySystem || flag(rf, m[14]) || flag(rf, m[15]),
                    implicit: false, upper: upper, lower: lower,
                    isCatchAll: action != .jump && source.all && destination.all && service.all && direction.all && family.all && lower != nil,
                    seqText: seqNode.map { docs[rf].kind($0) == .number ? docs[rf].numberText($0) : "?" } ?? "0"))
            }
            // connectivity_preference (or the deprecated connectivity_strategy) adds a last rule.
            if !isGateway, table == 0 {
                let preferenceNode = docs[f].member(node, "connectivity_preference") ?? docs[f].member(node, "connectivity_strategy")
                let preference = preferenceNode.flatMap(docs[f].stringValue)?.uppercased() ?? ""
                let action: FlatRule.Action?
                if preference.hasPrefix("ALLOWLIST") || preference.hasPrefix("WHITELIST") { action = .deny }
                else if preference.hasPrefix("DENYLIST") || preference.hasPrefix("BLACKLIST") { action = .allow }
                else { action = nil }
                if let action, let preferenceNode {
                    let scope = policyScope ?? .everything
                    let box = Box(dims: [scope, .everything, .everything, .everything, .everything, .everything])
                    rules.append(FlatRule(
                        file: f, node: preferenceNode, name: "the default rule of '\(clipped(policyName))'",
                        policyName: policyName, categoryName: categoryName, table: table, categoryRank: rank, policySeq: policySeq, policyIndex: p,
                        ruleSeq: .infinity, listIndex: members.count, action: action, actionText: action == .deny ? "DROP" : "ALLOW",
                        system: true, implicit: true, upper: box, lower: box, isCatchAll: true, seqText: "connectivity_preference \(preference)"))
                }
            }
        }
        rules.removeAll { $0.upper.isEmpty }
        rules.sort { a, b in
            (a.table, a.categoryRank, a.policySeq, a.policyIndex, a.ruleSeq, a.listIndex) < (b.table, b.categoryRank, b.policySeq, b.policyIndex, b.ruleSeq, b.listIndex)
        }
    }

    /// Everything but the set: exact for addresses alone; with opaque members, at least the
    /// addresses outside the known ones, and nothing known to be inside.
    static func complement(_ d: Dim) -> (upper: Dim, lower: Dim?) {
        let rest = Dim.subtract(.everything, d, .addresses)
        return (rest, d.hasTokens ? nil : rest)
    }

    /// Whether `x` is evaluated before `y` for certain.
    func before(_ x: FlatRule, _ y: FlatRule) -> Bool {
        guard x.table == y.table else { return false }
        if x.categoryRank != y.categoryRank { return x.categoryRank < y.categoryRank }
        if x.policySeq != y.policySeq { return x.policySeq < y.policySeq }
        return x.policyIndex == y.policyIndex && x.ruleSeq < y.ruleSeq
    }

    // MARK: Analysis

    mutating func analyse() {
        flatten()
        checkGroupCycles()
        checkUnused()
        guard !rules.isEmpty else { return }
        let shadowed = checkShadowing()
        checkRedundant(shadowed: shadowed)
        placeRelated()
        if let observer = run.ruleBaseObserver { observer(effectiveRules()) }
    }

    /// Gives the related locations their positions, all at once.
    mutating func placeRelated() {
        guard !pendingRelated.isEmpty else { return }
        var requests: [(file: Int, offset: Int)] = []
        for p in pendingRelated {
            let range = docs[p.file].range(p.node)
            requests.append((p.file, range.lowerBound)); requests.append((p.file, range.upperBound))
        }
        let placed = positions(requests)
        var slot: [String: Int] = [:]
        for (i, p) in pendingRelated.enumerated() {
            let key = "\(p.issueFile)/\(p.issue)"
            let k = slot[key, default: 0]
            slot[key] = k + 1
            issues[p.issueFile]![p.issue].related[k].start = placed[2 * i]
            issues[p.issueFile]![p.issue].related[k].end = placed[2 * i + 1]
        }
    }

    /// The rules in evaluation order, as the audit report lists them.
    func effectiveRules() -> [EffectiveRule] {
        let starts = positions(rules.map { ($0.file, doc($0.file).range($0.node).lowerBound) })
        return rules.enumerated().map { i, rule in
            let start = starts[i]
            let policy = policies[rule.policyIndex], policyDoc = doc(policy.file)
            let policySequence = policyDoc.member(policy.node, "sequence_number").map { policyDoc.kind($0) == .number ? policyDoc.numberText($0) : "?" } ?? "0"
            return EffectiveRule(file: run.files[rule.file].name, start: start, category: rule.categoryName, policy: rule.policyName, name: rule.name,
                                 policySequence: policySequence, sequence: rule.implicit ? "last" : rule.seqText, action: rule.actionText, system: rule.system)
        }
    }

    /// Earlier rules indexed by the scope and source they could cover, so that a rule is compared
    /// only with rules that share its scope (or are everywhere) and could hold its sources.
    struct CoverIndex {
        struct Sources {
            var any: [Int] = []
            var tokens: [Int32: [Int]] = [:]
            /// IPv4 spans within one /16 (and IPv6 within one /64), within one /8, and wider.
            var narrow: [UInt128: [Int]] = [:]
            var medium: [UInt128: [Int]] = [:]
            var wide: [Int] = []
            var all: [Int] = []

            mutating func insert(_ r: Int, _ d: Dim) {
                all.append(r)
                if d.all { any.append(r); return }
                for t in d.tokens { tokens[t, default: []].append(r) }
                var keys = Set<UInt128>(), mediumKeys = Set<UInt128>(), isWide = false
                for s in d.a {
                    if s.lo >> 16 == s.hi >> 16 { keys.insert(s.lo >> 16) } else if s.lo >> 24 == s.hi >> 24 { mediumKeys.insert(s.lo >> 24) } else { isWide = true }
                }
                for s in d.b {
                    if s.lo >> 64 == s.hi >> 64 { keys.insert(1 << 127 | s.lo >> 64) } else { isWide = true }
                }
                for k in keys { narrow[k, default: []].append(r) }
                for k in mediumKeys { medium[k, default: []].append(r) }
                if isWide { wide.append(r) }
            }

            /// Rules that could take something away from `d`.
            func candidates(_ d: Dim, into out: inout [Int]) {
                if d.all { out += all; return }
                out += any
                for t in d.tokens { out += tokens[t] ?? [] }
                guard !d.a.isEmpty || !d.b.isEmpty else { return }
                out += wide
                for s in d.a {
                    if s.lo >> 16 == s.hi >> 16 {
                        out += narrow[s.lo >> 16] ?? []
                        out += medium[s.lo >> 24] ?? []
                    } else if s.lo >> 24 == s.hi >> 24 {
                        out += medium[s.lo >> 24] ?? []
                        for (k, list) in narrow where k >> 127 == 0 && k >> 8 == s.lo >> 24 { out += list }
                    } else {
                        for (k, list) in narrow where k >> 127 == 0 { out += list }
                        for list in medium.values { out += list }
                    }
                }
                for s in d.b {
                    if s.lo >> 64 == s.hi >> 64 { out += narrow[1 << 127 | s.lo >> 64] ?? [] } else {
                        for (k, list) in narrow where k >> 127 == 1 { out += list }
                    }
                }
            }
        }
        static let anyScope: Int32 = -1
        var byScope: [Int32: Sources] = [:]

        mutating func insert(_ r: Int, _ box: Box) {
            let scope = box.dims[Box.scope]
            for key in scope.all ? [Self.anyScope] : scope.tokens { byScope[key, default: Sources()].insert(r, box.dims[Box.source]) }
        }

        func candidates(_ box: Box, into out: inout [Int]) {
            let scope = box.dims[Box.scope]
            for key in [Self.anyScope] + (scope.all ? [] : scope.tokens) {
                byScope[key]?.candidates(box.dims[Box.source], into: &out)
            }
        }
    }

    /// Forward over the rule base: each rule against the union of the rules before it.
    /// Returns which rules are shadowed.
    mutating func checkShadowing() -> [Bool] {
        var shadowed = [Bool](repeating: false, count: rules.count)
        var index = CoverIndex()
        var stamp = [Int](repeating: -1, count: rules.count)
        var catchAlls: [Int] = []
        var i = 0
        while i < rules.count {
            // A block: one table, category and policy sequence number. With one policy, its
            // rules are ordered; with several, only rules of one policy are ordered.
            var end = i
            while end < rules.count && rules[end].table == rules[i].table && rules[end].categoryRank == rules[i].categoryRank
                    && rules[end].policySeq == rules[i].policySeq { end += 1 }
            if rules[i].table != (i > 0 ? rules[i - 1].table : -1) { index = CoverIndex(); catchAlls = [] }
            let several = Set(rules[i..<end].map(\.policyIndex)).count > 1
            // In a block of several policies, the rules seen so far, by policy.
            var pending: [Int: [Int]] = [:]
            var j = i
            while j < end {
                // Rules of one policy with one sequence number: unknown order among them.
                var groupEnd = j
                while groupEnd < end && rules[groupEnd].policyIndex == rules[j].policyIndex && rules[groupEnd].ruleSeq == rules[j].ruleSeq { groupEnd += 1 }
                for r in j..<groupEnd {
                    var candidates: [Int] = []
                    index.candidates(rules[r].upper, into: &candidates)
                    // In a block of several policies, earlier rules of the rule's own policy.
                    for q in pending[rules[r].policyIndex] ?? [] where !shadowed[q] && rules[q].ruleSeq < rules[r].ruleSeq { candidates.append(q) }
                    var unique: [Int] = []
                    for c in candidates where stamp[c] != r { stamp[c] = r; unique.append(c) }
                    unique.sort()
                    shadowed[r] = report(r, coveredBy: unique, catchAlls: catchAlls)
                }
                if several {
                    for r in j..<groupEnd { pending[rules[r].policyIndex, default: []].append(r) }
                } else {
                    // A rule that never matches covers nothing (after a jump, the Application
                    // rules see the packets it would have taken).
                    for r in j..<groupEnd where !shadowed[r] {
                        if let lower = rules[r].lower { index.insert(r, lower) }
                        if rules[r].isCatchAll { catchAlls.append(r) }
                    }
                }
                j = groupEnd
            }
            for r in pending.values.joined().sorted() where !shadowed[r] {
                if let lower = rules[r].lower { index.insert(r, lower) }
                if rules[r].isCatchAll { catchAlls.append(r) }
            }
            i = end
        }
        return shadowed
    }

    /// Reports rule `r` if the earlier `candidates` (in order) take every packet it matches.
    mutating func report(_ r: Int, coveredBy candidates: [Int], catchAlls: [Int]) -> Bool {
        let rule = rules[r]
        let inEnvironment = rule.table == 0 && rule.categoryName == vocabulary.jumpCategory
        var remainder = [rule.upper]
        var contributors: [Int] = []
        for c in candidates {
            if rules[c].action == .jump && !inEnvironment { continue }
            guard before(rules[c], rule), let lower = rules[c].lower else { continue }
            var next: [Box] = []
            var removed = false
            for piece in remainder {
                let (pieces, took) = Box.subtract(piece, lower)
                next += pieces
                removed = removed || took
            }
            if removed { contributors.append(c) }
            remainder = next
            if remainder.isEmpty || remainder.count > 256 { break }
        }
        guard remainder.isEmpty, !rule.implicit, !rule.system, rule.file >= run.contextCount else { return remainder.isEmpty }
        // A catch-all before it in its category and scope says it most plainly.
        let catchAll = catchAlls.first { c in
            rules[c].categoryRank == rule.categoryRank && before(rules[c], rule)
                && Dim.subtract(rule.upper.dims[Box.scope], rules[c].upper.dims[Box.scope], .tokensOnly).isEmpty
                && (rules[c].action != .jump || inEnvironment)
        }
        // Another terminal action among the rules that take its packets: its intent is not
        // enforced, unless rules of its own action alone would take them all (a quarantine drop
        // before an allow that an earlier allow already covers is no contradiction).
        var differing = contributors.filter { rules[$0].action != rule.action && rules[$0].action != .jump && rule.action != .jump }
        if !differing.isEmpty {
            let alike = contributors.filter { rules[$0].action == rule.action }
            var rest = [rule.upper]
            for c in alike {
                rest = rest.flatMap { Box.subtract($0, rules[c].lower!).pieces }
                if rest.isEmpty || rest.count > 256 { break }
            }
            if rest.isEmpty { differing = []; contributors = alike }
        }
        if let catchAll {
            let c = rules[catchAll]
            add(r, "rulebase/after-catch-all",
                "comes after \(describe(catchAll, from: rule.file)), which \(verb(c.action, c.actionText)) every packet in the same category and scope: this rule never matches",
                related: [catchAll])
        }
        if !differing.isEmpty {
            add(r, "rulebase/shadowed-conflict",
                "never enforced: this \(rule.actionText) rule never matches, because every packet it matches is \(byWhom(contributors, from: rule.file))",
                related: contributors)
        } else if catchAll == nil {
            add(r, "rulebase/shadowed", "never matches: every packet it matches is \(byWhom(contributors, from: rule.file))", related: contributors)
        }
        return true
    }

    func verb(_ action: FlatRule.Action, _ text: String, past: Bool = false) -> String {
        switch (action, text) {
        case (.allow, _): past ? "allowed" : "allows"
        case (.deny, "REJECT"): past ? "rejected" : "rejects"
        case (.deny, _): past ? "dropped" : "drops"
        case (.jump, _): past ? "passed on to the Application category" : "passes on to the Application category"
        }
    }

    /// "dropped earlier by 'a' (…)" or "matched earlier by 'a' (…, ALLOW) and 'b' (…, DROP)".
    func byWhom(_ contributors: [Int], from file: Int) -> String {
        let shown = contributors.prefix(5)
        let sameAction = Set(contributors.map { rules[$0].actionText }).count == 1
        let names = shown.map { describe($0, from: file, withAction: !sameAction) }
        var list = names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
        if contributors.count > shown.count { list += " and \(contributors.count - shown.count) more" }
        let first = rules[contributors[0]]
        let together = contributors.count > 1 ? " (together: no one of them matches all of it)" : ""
        return (sameAction ? verb(first.action, first.actionText, past: true) : "matched") + " earlier by " + list + together
    }

    func describe(_ r: Int, from file: Int, withAction: Bool = false) -> String {
        let rule = rules[r]
        let line = line(rule.file, rule.node)
        let place = rule.file == file ? "line \(line)" : "\(run.files[rule.file].name) line \(line)"
        let action = withAction ? "\(rule.actionText), " : ""
        if rule.implicit { return "\(rule.name) (\(action)\(rule.seqText), \(rule.categoryName), \(place))" }
        return "'\(clipped(rule.name))' (\(action)\(rule.categoryName) › \(clipped(rule.policyName)) › rule \(rule.seqText), \(place))"
    }

    mutating func add(_ r: Int, _ id: String, _ message: String, related: [Int]) {
        let rule = rules[r]
        // A context file gets no report: its issues would be made and placed for nothing.
        guard rule.file >= run.contextCount else { return }
        var issue = Issue(rule: id, message: message, anchor: rule.node, range: docs[rule.file].range(rule.node))
        for c in related.prefix(20) {
            pendingRelated.append((rule.file, issues[rule.file, default: []].count, rules[c].file, rules[c].node))
            let origin = SourcePosition(line: 1, column: 1)
            issue.related.append(RelatedLocation(file: run.files[rules[c].file].name, start: origin, end: origin, message: describe(c, from: rule.file)))
        }
        issues[rule.file, default: []].append(issue)
    }

    /// Capirca's shading, made safe: a rule that a later rule with the same action covers alone,
    /// with no rule between them matching any of its packets with another action.
    mutating func checkRedundant(shadowed: [Bool]) {
        // Blocks of unknown order, to widen "between".
        var blockStart = [Int](repeating: 0, count: rules.count), blockEnd = [Int](repeating: 0, count: rules.count)
        var i = 0
        while i < rules.count {
            var end = i
            while end < rules.count && rules[end].table == rules[i].table && rules[end].categoryRank == rules[i].categoryRank
                    && rules[end].policySeq == rules[i].policySeq { end += 1 }
            let several = Set(rules[i..<end].map(\.policyIndex)).count > 1
            for r in i..<end { blockStart[r] = several ? i : r; blockEnd[r] = several ? end - 1 : r }
            i = end
        }
        var index = CoverIndex()
        var stamp = [Int](repeating: -1, count: rules.count)
        for r in stride(from: rules.count - 1, through: 0, by: -1) {
            if r + 1 < rules.count && rules[r + 1].table != rules[r].table { index = CoverIndex() }
            defer { if let lower = rules[r].lower, !shadowed[r] { index.insert(r, lower) } }
            let rule = rules[r]
            // A context file's redundancy is not reported, and changes no other rule's.
            guard !shadowed[r], !rule.system, !rule.implicit, rule.action != .jump, rule.file >= run.contextCount else { continue }
            var candidates: [Int] = []
            index.candidates(rule.upper, into: &candidates)
            var unique: [Int] = []
            for c in candidates where stamp[c] != r { stamp[c] = r; unique.append(c) }
            unique.sort()
            guard let l = unique.first(where: { c in
                rules[c].actionText == rule.actionText && before(rule, rules[c]) && rules[c].lower.map { Box.covers($0, rule.upper) } == true
            }) else { continue }
            let from = blockStart[r], to = blockEnd[l]
            guard to - from <= 2000 else { continue }
            let inEnvironment = rule.categoryName == vocabulary.jumpCategory
            let interferes = (from...to).contains { x in
                x != r && x != l && rules[x].actionText != rule.actionText && (rules[x].action != .jump || inEnvironment)
                    && Box.mayIntersect(rules[x].upper, rule.upper)
            }
            guard !interferes else { continue }
            add(r, "rulebase/redundant",
                "redundant: \(describe(l, from: rule.file)) \(verb(rules[l].action, rules[l].actionText)) every packet this rule matches, and no rule between them treats any of them differently; removing this rule changes nothing",
                related: [l])
        }
    }

    // MARK: Groups

    /// Groups that include each other through PathExpression / NestedExpression paths.
    mutating func checkGroupCycles() {
        var edges: [String: [(node: Int, path: String)]] = [:]
        for (path, group) in groups {
            var out: [(node: Int, path: String)] = []
            if let list = docs[group.file].member(group.node, "expression") { groupReferences(list, file: group.file, into: &out) }
            guard !out.isEmpty else { continue }
            let inRun = out.filter { groups[$0.path] != nil }
            if !inRun.isEmpty { edges[path] = inRun }
            for reference in out { used.insert(hashText(reference.path)) }
        }
        // Tarjan's strongly connected components, iteratively.
        var indexOf: [String: Int] = [:], low: [String: Int] = [:], onStack = Set<String>(), stack: [String] = []
        var counter = 0
        var components: [[String]] = []
        // Only groups that name other groups can be in a cycle.
        for start in edges.keys.sorted() where indexOf[start] == nil {
            var work: [(node: String, next: Int)] = [(start, 0)]
            indexOf[start] = counter; low[start] = counter; counter += 1
            stack.append(start); onStack.insert(start)
            while let (node, next) = work.popLast() {
                let out = edges[node] ?? []
                if next < out.count {
                    work.append((node, next + 1))
                    let target = out[next].path
                    if indexOf[target] == nil {
                        indexOf[target] = counter; low[target] = counter; counter += 1
                        stack.append(target); onStack.insert(target)
                        work.append((target, 0))
                    } else if onStack.contains(target) {
                        low[node] = min(low[node]!, indexOf[target]!)
                    }
                    continue
                }
                if let parent = work.last?.node { low[parent] = min(low[parent]!, low[node]!) }
                if low[node] == indexOf[node] {
                    var component: [String] = []
                    while let top = stack.popLast() {
                        onStack.remove(top); component.append(top)
                        if top == node { break }
                    }
                    components.append(component)
                }
            }
        }
        for component in components {
            let members = Set(component)
            for path in component.sorted() {
                guard let edge = edges[path]?.first(where: { members.contains($0.path) }) else { continue }
                // The chain back from the target to this group, through the component.
                var previous: [String: String] = [edge.path: ""]
                var queue = [edge.path], head = 0
                while head < queue.count, previous[path] == nil {
                    let current = queue[head]; head += 1
                    for next in edges[current] ?? [] where members.contains(next.path) && previous[next.path] == nil {
                        previous[next.path] = current; queue.append(next.path)
                    }
                }
                var chain = [path]
                var step = path
                while step != edge.path, let p = previous[step], !p.isEmpty { chain.append(p); step = p }
                if path != edge.path { chain.append(path) }
                let names = chain.reversed().map { Self.lastSegment($0) }
                let group = groups[path]!
                let message = path == edge.path
                    ? "group '\(Self.lastSegment(path))' includes itself: its membership can never be computed"
                    : "groups include each other: \(names.joined(separator: " → ")); NSX cannot compute their membership"
                issues[group.file, default: []].append(Issue(rule: "nsx/group-cycle", message: message, anchor: edge.node, range: docs[group.file].range(edge.node)))
            }
        }
    }

    static func lastSegment(_ path: String) -> String { String(path.split(separator: "/").last ?? Substring(path)) }

    /// Groups and services no rule, group, scope or other object of the run names, when the run
    /// holds the policies of their domain (services: of any domain).
    mutating func checkUnused() {
        guard !domainsWithPolicies.isEmpty else { return }
        func isSystem(_ l: Located) -> Bool {
            flag(l.file, l.node, "_system_owned") || flag(l.file, l.node, "is_default") || text(l.file, l.node, "_create_user") == "system"
        }
        for path in groups.keys.sorted() {
            let group = groups[path]!
            guard let domain = Self.domain(of: path), domainsWithPolicies.contains(domain), !used.contains(hashText(path)), !isSystem(group) else { continue }
            issues[group.file, default: []].append(Issue(
                rule: "rulebase/unused-group",
                message: "group '\(Self.lastSegment(path))' is used by no rule, group or policy scope of this run, which holds the policies of \(Self.lastSegment(domain))",
                anchor: group.node, range: docs[group.file].range(group.node)))
        }
        for path in services.keys.sorted() {
            let service = services[path]!
            guard !used.contains(hashText(path)), !isSystem(service) else { continue }
            issues[service.file, default: []].append(Issue(
                rule: "rulebase/unused-service",
                message: "service '\(Self.lastSegment(path))' is used by no rule or service of this run, which holds security policies",
                anchor: service.node, range: docs[service.file].range(service.node)))
        }
    }
}
