#if canImport(Glibc)
import Glibc
#endif

/// A typed object found in a document.
struct Resource {
    /// The object checked (an SPS object's `body`).
    var node: Int
    /// The name shown in the summary: an NSX `resource_type` or an SPS kind.
    var typeName: String
    /// The pack type that checks it; nil when no pack knows the type.
    var type: TypeSpec?
    /// Checked only by a catch-all type (the common NSX fields).
    var isFallback = false
    /// A bare body (no `resource_type`, no SPS wrapper), of a kind given or recognised.
    var isBare = false
    /// A bare body taken to be `typeName` from its fields alone (no kind given): the summary
    /// says so.
    var isAssumed = false
}

/// What discovery learns about a document.
struct DiscoveryResult {
    var resources: [Resource] = []
    var secretRanges: [Range<Int>] = []
    /// Members whose key names a credential, and other members whose value is a token.
    var secretMembers: [(key: Int, value: Int)] = []
    var tokenMembers: [(key: Int, value: Int)] = []
    /// Objects that hold `cipher_suites` or `protocol_versions` lists.
    var tlsObjects: [Int] = []
    /// The document carries a read-only server field (`exportMarkers`): it is a GET response.
    var exported = false
    /// Issues found while discovering (a wrapper holding the wrong type, a path not ending in its id…).
    var issues: [Issue] = []

    /// Joins the results of consecutive pieces of one document, in document order.
    mutating func append(_ other: DiscoveryResult) {
        resources += other.resources
        secretRanges += other.secretRanges
        secretMembers += other.secretMembers
        tokenMembers += other.tokenMembers
        tlsObjects += other.tlsObjects
        exported = exported || other.exported
        issues += other.issues
    }
}

/// Finds every object the packs know, wherever it sits (catalogue section 1): NSX objects and
/// their `Child*` wrappers, NSX lists, SPS objects and lists, and bare bodies at the top.
/// One pass over the nodes, no recursion.
struct Discovery {
    /// Any of these read-only server fields marks a document as exported (a GET response).
    static let exportMarkers: Set<String> = ["_create_time", "_create_user", "_last_modified_time", "_last_modified_user",
                                             "_system_owned", "_protection", "_links", "_self", "_schema"]

    let ruleSet: RuleSet
    /// `--kind`: the type of a bare body at the top of the document.
    let kind: String?

    /// Discovers the objects among `nodes`, a piece of the document (pieces run on every core;
    /// each object is looked at by the piece that holds its node). `topLevel`: `topLevelObjects`.
    func discover(_ doc: JSONDocument, nodes: Range<Int>, topLevel: Set<Int>) -> DiscoveryResult {
        var result = DiscoveryResult()
        // Discovery reports through a context of its own; the mode is not known yet and no
        // discovery check depends on it.
        var context = CheckContext(doc: doc, mode: .authored, ruleSet: ruleSet)
        var exported = false
        // Secret keys as bytes, with a table of their first bytes: each member's key is tested
        // without making a String (hashing a decoded key per member was a tenth of discovery).
        let secretKeyBytes = ruleSet.secretKeys.map { Array($0.utf8) }
        var secretFirstBytes = [Bool](repeating: false, count: 256)
        for key in secretKeyBytes { if let first = key.first { secretFirstBytes[Int(first)] = true } }
        func isSecretKey(_ k: Int) -> Bool {
            if doc.nodes[k].flags & JSONNode.hasEscapes != 0 { return ruleSet.secretKeys.contains(doc.string(k)) }
            let length = doc.decodedLength(k)
            return secretKeyBytes.contains { key in
                key.count == length && key.withUnsafeBufferPointer { doc.rawBytesEqual(Int(doc.nodes[k].start) + 1, $0) }
            }
        }

        // Each object's keys and their signatures, for repeated keys (one pass over the members
        // serves both; a pass of its own cost a twelfth of a run).
        // (Overwritten in place: emptying them for each object cost more than filling them.)
        var keys: [Int] = [], signatures: [UInt64] = [], keyCount = 0
        for node in nodes where doc.kind(node) == .object {
            keyCount = 0
            var resourceType: Int?
            var body: Int?, meta: Int?, key: Int?, results: Int?, path: Int?, id: Int?
            for (k, v) in doc.members(node) {
                if keyCount < keys.count {
                    keys[keyCount] = k
                    signatures[keyCount] = JSONChecks.signature(doc, k)
                } else {
                    keys.append(k)
                    signatures.append(JSONChecks.signature(doc, k))
                }
                keyCount += 1
                // Keys are compared by their first byte before decoding: most keys miss every test.
                let first = doc.bytes[Int(doc.nodes[k].start) + 1]
                if first == UInt8(ascii: "_"), !exported, Self.exportMarkers.contains(doc.string(k)) { exported = true }
                if first == UInt8(ascii: "r") {
                    if doc.stringEquals(k, "resource_type"), doc.kind(v) == .string { resourceType = v }
                    else if doc.stringEquals(k, "results"), doc.kind(v) == .array { results = v }
                }
                if first == UInt8(ascii: "b"), doc.stringEquals(k, "body"), doc.kind(v) == .object { body = v }
                if first == UInt8(ascii: "m"), doc.stringEquals(k, "meta"), doc.kind(v) == .object { meta = v }
                if first == UInt8(ascii: "k"), doc.rawStringIs(k, "key") { key = v }
                // (A key may spell its first letter as an escape: it is then decoded to compare.)
                let escaped = first == UInt8(ascii: "\\")
                if first == UInt8(ascii: "p") || escaped, doc.rawStringIs(k, "path") { path = v }
                if first == UInt8(ascii: "i") || escaped, doc.rawStringIs(k, "id") { id = v }
                if secretFirstBytes[Int(first)], isSecretKey(k) {
                    result.secretRanges.append(doc.range(v))
                    result.secretMembers.append((k, v))
                } else if doc.kind(v) == .string, looksLikeToken(doc, v) {
                    result.secretRanges.append(doc.range(v))
                    result.tokenMembers.append((k, v))
                }
                if doc.kind(v) == .array, first == UInt8(ascii: "c") || first == UInt8(ascii: "p"),
                   doc.stringEquals(k, "cipher_suites") || doc.stringEquals(k, "protocol_versions"), result.tlsObjects.last != node {
                    result.tlsObjects.append(node)
                }
            }
            JSONChecks.duplicateKeys(keys[..<keyCount], signatures[..<keyCount], &context)
            if let resourceType {
                discoverNSX(node, resourceType: resourceType, path: path, id: id, &context, &result)
            } else if let body, let meta, let href = doc.member(meta, "href"), doc.kind(href) == .string {
                discoverSPS(wrapper: node, body: body, href: href, key: key, &context, &result)
            } else if body == nil, let meta, let key, doc.kind(key) == .string, let href = doc.member(meta, "href"), doc.kind(href) == .string {
                checkReference(key: key, href: href, &context)
            } else if topLevel.contains(node) {
                // A `body` with no meta.href (seed 002's sample responses) has no kind in an href:
                // its body is recognised like a bare body.
                discoverBare(body ?? node, doc, &result)
            }
            if let results { checkList(node, results: results, &context) }
        }
        result.issues = context.issues
        result.exported = exported
        return result
    }

    /// The objects where a bare body may stand: the root, and the elements of a top-level array
    /// or list (`results`, `items`).
    static func topLevelObjects(_ doc: JSONDocument) -> Set<Int> {
        guard let root = doc.root else { return [] }
        var nodes: Set<Int> = [root]
        var lists: [Int] = []
        if doc.kind(root) == .array { lists.append(root) }
        if doc.kind(root) == .object {
            for name in ["results", "items"] { if let list = doc.member(root, name), doc.kind(list) == .array { lists.append(list) } }
        }
        for list in lists { for element in doc.elements(list) where doc.kind(element) == .object { nodes.insert(element) } }
        return nodes
    }

    /// `path` and `id`: the object's own members of those names, if any.
    func discoverNSX(_ node: Int, resourceType: Int, path: Int?, id idNode: Int?, _ context: inout CheckContext, _ result: inout DiscoveryResult) {
        let doc = context.doc
        if doc.rawStringHasPrefix(resourceType, "Child") {
            let name = doc.string(resourceType)
            if name == "ChildResourceReference" { return }
            if name.utf8.count > 5 {
                checkWrapper(node, wrapperType: resourceType, &context)
                return
            }
        }
        if let path, doc.kind(path) == .string, let idNode,
           doc.kind(idNode) == .string, !pathEndsWithID(path, idNode, doc), case let id = doc.string(idNode),
           !id.isEmpty, !doc.string(path).hasSuffix("/" + id) {
            context.report("nsx/path-id-mismatch", "path \(context.describe(path)) does not end with the object's id '\(id)'", at: path)
        }
        var match: Int?
        for candidate in ruleSet.nsxCandidates(for: resourceType, in: doc)
        where !ruleSet.recognizerReadsFields[candidate] || fieldsMatch(ruleSet.recognizers[candidate], node, doc) {
            match = candidate
            break
        }
        if match == nil || ruleSet.recognizers[match!].resourceType == "*" {
            checkUnknownType(resourceType, &context)
        }
        // An NSX type no pack knows still gets the common NSX fields (the `*` type), but the
        // summary lists it as a type without rules of its own.
        result.resources.append(Resource(node: node, typeName: doc.string(resourceType), type: match.map { ruleSet.recognizable[$0] },
                                         isFallback: match.map { ruleSet.recognizers[$0].resourceType == "*" } ?? false))
    }

    /// A `resource_type` that no pack checks and that is no type of the NSX model, but close to
    /// one: a typo, and the object goes unchecked (`nsx/unknown-resource-type`).
    func checkUnknownType(_ resourceType: Int, _ context: inout CheckContext) {
        let doc = context.doc
        let names = NSXTypeNames.shared
        if names.table.index(of: resourceType, in: doc) != nil { return }
        let name = doc.string(resourceType)
        guard !ruleSet.kindNames.contains(name), let meant = names.closest(to: name) else { return }
        context.report("nsx/unknown-resource-type",
                       "\(context.describe(resourceType)) is no NSX resource_type, so this object was not checked; did you mean '\(meant)'?",
                       at: resourceType)
    }

    /// The common case of the path-id check decided on the bytes: both plain ASCII (where a
    /// byte suffix is a Character suffix) and the path ending in `/` + id. False means "look
    /// closer" (decoding both, as before), not a mismatch.
    func pathEndsWithID(_ path: Int, _ id: Int, _ doc: JSONDocument) -> Bool {
        let p = doc.nodes[path], i = doc.nodes[id]
        guard (p.flags | i.flags) & JSONNode.hasEscapes == 0 else { return false }
        let pathStart = Int(p.start) + 1, pathEnd = Int(p.end) - 1
        let idStart = Int(i.start) + 1, idEnd = Int(i.end) - 1
        let idLength = idEnd - idStart
        guard idLength > 0, pathEnd - pathStart > idLength else { return false }
        return doc.bytes.withUnsafeBufferPointer { b in
            for k in pathStart..<pathEnd where b[k] >= 0x80 { return false }
            for k in idStart..<idEnd where b[k] >= 0x80 { return false }
            return b[pathEnd - idLength - 1] == UInt8(ascii: "/")
                && memcmp(b.baseAddress! + pathEnd - idLength, b.baseAddress! + idStart, idLength) == 0
        }
    }

    /// `{"resource_type": "ChildX", "X": {...}}`: the wrapped object must be an X.
    func checkWrapper(_ node: Int, wrapperType: Int, _ context: inout CheckContext) {
        let doc = context.doc
        for (k, v) in doc.members(node) where doc.kind(v) == .object {
            guard let innerType = doc.member(v, "resource_type"), doc.kind(innerType) == .string else { continue }
            // Compared on the bytes first: the wrapper's type is `Child` + the inner one's.
            if wrapsItsOwnType(wrapperType, innerType, doc) { continue }
            let expected = String(doc.string(wrapperType).dropFirst(5))
            let inner = doc.string(innerType)
            let key = doc.string(k)
            if inner != expected && !ruleSet.isSubtype(inner, of: expected) {
                let what = key == expected ? "wraps" : "holds '\(key)', which is"
                context.report("nsx/child-type-mismatch",
                               "'\(doc.string(wrapperType))' \(what) a '\(inner)'; a Child\(expected) wrapper must hold a '\(expected)' (or a subtype of it) under the key '\(expected)'",
                               at: innerType)
            }
        }
    }

    /// Whether both type names are plain bytes and the wrapper's is `Child` + the inner one's.
    func wrapsItsOwnType(_ wrapperType: Int, _ innerType: Int, _ doc: JSONDocument) -> Bool {
        let w = doc.nodes[wrapperType], i = doc.nodes[innerType]
        guard (w.flags | i.flags) & JSONNode.hasEscapes == 0 else { return false }
        let innerLength = Int(i.end) - Int(i.start) - 2
        guard Int(w.end) - Int(w.start) - 2 == innerLength + 5 else { return false }
        return doc.bytes.withUnsafeBufferPointer { b in
            memcmp(b.baseAddress! + Int(w.start) + 6, b.baseAddress! + Int(i.start) + 1, innerLength) == 0
        }
    }

    func discoverSPS(wrapper: Int, body: Int, href: Int, key: Int?, _ context: inout CheckContext, _ result: inout DiscoveryResult) {
        let doc = context.doc
        let hrefText = doc.string(href)
        let type = ruleSet.recognizable.first { type in
            guard let matcher = type.recognize?.hrefMatcher else { return false }
            return matcher.matches(hrefText)
        }
        result.resources.append(Resource(node: body, typeName: type?.name ?? "SPS object", type: type))
        if let key, doc.kind(key) == .string { checkReference(key: key, href: href, &context) }
    }

    /// `{"key": K, "meta": {"href": ".../K"}}`: an SPS object or a reference to one.
    func checkReference(key: Int, href: Int, _ context: inout CheckContext) {
        let doc = context.doc
        let hrefText = doc.string(href)
        let last = hrefText.split(separator: "/").last.map(String.init) ?? ""
        let keyText = doc.string(key)
        if last != keyText {
            context.report("xref/href-key-mismatch", "meta.href ends with '\(last)' but the key is '\(keyText)'; they must name the same object", at: href)
        }
    }

    func discoverBare(_ node: Int, _ doc: JSONDocument, _ result: inout DiscoveryResult) {
        if let kind {
            result.resources.append(Resource(node: node, typeName: kind, type: ruleSet.types[kind], isBare: true))
            return
        }
        let type = ruleSet.recognizable.first { type in
            guard let r = type.recognize, r.resourceType == nil, r.hrefPattern == nil || !(r.hasAll.isEmpty && r.hasAny.isEmpty) else { return false }
            guard !(r.hasAll.isEmpty && r.hasAny.isEmpty) else { return false }
            return fieldsMatch(r, node, doc)
        }
        if let type { result.resources.append(Resource(node: node, typeName: type.assumes ?? type.name, type: type, isBare: true, isAssumed: true)) }
    }

    func fieldsMatch(_ r: Recognizer, _ node: Int, _ doc: JSONDocument) -> Bool {
        r.hasAll.allSatisfy { doc.member(node, $0) != nil }
            && (r.hasAny.isEmpty || r.hasAny.contains { doc.member(node, $0) != nil })
            && !r.hasNone.contains { doc.member(node, $0) != nil }
            && !(r.unless.map { CheckContext(doc: doc, mode: .authored, ruleSet: ruleSet).holds($0, on: node) } ?? false)
    }

    /// An NSX list (a GET of a collection): was it exported whole?
    func checkList(_ node: Int, results: Int, _ context: inout CheckContext) {
        let doc = context.doc
        if let cursor = doc.member(node, "cursor"), doc.kind(cursor) == .string, !context.isEmpty(cursor) {
            context.report("export/paginated", "the list has a cursor: this is one page of a longer list, and objects on other pages were not checked", at: cursor)
            return
        }
        if let count = doc.member(node, "result_count"), let expected = doc.double(count) {
            let actual = doc.count(results)
            if Double(actual) != expected {
                context.report("export/result-count-mismatch", "result_count says \(doc.numberText(count)) but the list holds \(actual) results: the export is incomplete or edited", at: count)
            }
        }
    }

    /// A JWT or a private key block, wherever it appears.
    func looksLikeToken(_ doc: JSONDocument, _ node: Int) -> Bool {
        let r = doc.range(node)
        guard r.count > 24 else { return false }
        let b = doc.bytes
        let s = r.lowerBound + 1
        if b[s] == UInt8(ascii: "e") && b[s + 1] == UInt8(ascii: "y") && b[s + 2] == UInt8(ascii: "J") {
            return doc.string(node).split(separator: ".").count == 3
        }
        if b[s] == UInt8(ascii: "-") { return doc.string(node).contains("PRIVATE KEY-----") }
        return false
    }
}
