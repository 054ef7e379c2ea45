#if canImport(Glibc)
import Glibc
#endif

/// What one file contributes to the bundle index: the NSX objects it defines (with their policy
/// paths), the references it makes, and the SPS objects and references it holds. Texts the
/// index looks up are hashed here, while facts are gathered on every core.
struct BundleFacts {
    struct NSXObject {
        var type: String
        var path: String
        var pathHash: UInt64
        var node: Int
        /// For a unique key of the type (`UniqueKey`, e.g. sequence numbers): the parent's path
        /// and the values of the key's `alsoBy` fields (a policy's domain and category, a
        /// rule's policy), and the key's value.
        var siblingGroup: String?
        var sequenceNode: Int?
        /// Which of the type's unique keys.
        var uniqueKey = 0
        /// Of type, sibling group and sequence number.
        var siblingHash: UInt64 = 0

        /// `pathHash`, `groupHash`: the hashes of `path` and `siblingGroup` when known.
        init(type: String, typeHash: UInt64, path: String, pathHash: UInt64? = nil, node: Int, siblingGroup: String?,
             groupHash: UInt64? = nil, sequenceNode: Int?, uniqueKey: Int = 0, _ doc: JSONDocument) {
            self.type = type; self.path = path; self.node = node; self.siblingGroup = siblingGroup; self.sequenceNode = sequenceNode
            self.uniqueKey = uniqueKey
            self.pathHash = pathHash ?? hashText(path)
            if let siblingGroup, let sequenceNode {
                let sequenceHash = doc.bytes.withUnsafeBytes { all in hashBytes(UnsafeRawBufferPointer(rebasing: all[doc.range(sequenceNode)])) }
                siblingHash = combineHashes(combineHashes(combineHashes(typeHash, groupHash ?? hashText(siblingGroup)), sequenceHash), UInt64(uniqueKey))
            }
        }
    }
    struct Reference {
        /// The collection the target belongs to (`groups`, `services`, or an SPS href prefix).
        var collection: String
        /// The target's text, when it is not the string at `node` (an SPS href).
        var text: String?
        var targetHash: UInt64
        var node: Int

        init(collection: String, target: String, node: Int) {
            self.collection = collection; self.text = target; self.node = node
            targetHash = hashText(target)
        }

        /// A reference that is the string at `node`, hashed from the document's bytes: most
        /// references resolve, and need no String of their own.
        init(collection: String, node: Int, _ doc: JSONDocument) {
            self.collection = collection; self.node = node
            targetHash = doc.stringHash(node)
        }
    }
    var objects: [NSXObject] = []
    var references: [Reference] = []
    /// SPS objects as "collection href/key".
    var spsObjects: [String] = []
    /// The document the nodes belong to.
    var doc: JSONDocument?

    /// An object's sequence number as written.
    func sequenceText(_ object: NSXObject) -> String {
        guard let node = object.sequenceNode, let doc else { return "" }
        return doc.kind(node) == .number ? doc.numberText(node) : "\"\(clipped(doc.string(node)))\""
    }

    /// Whether two values of the document are written alike (sequence numbers: `1` and `1.0`
    /// differ, as NSX reads them as written).
    func sameText(_ a: Int, _ b: Int) -> Bool {
        guard let doc else { return false }
        let ra = doc.range(a), rb = doc.range(b)
        return ra.count == rb.count && doc.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + ra.lowerBound, $0.baseAddress! + rb.lowerBound, ra.count) == 0 }
    }

    /// A reference's target as text.
    func target(_ reference: Reference) -> String {
        reference.text ?? doc?.string(reference.node) ?? ""
    }

    /// Whether a reference names this path, compared on the document's bytes.
    func references(_ reference: Reference, _ path: String) -> Bool {
        if let text = reference.text { return text == path }
        return doc?.stringEquals(reference.node, path) ?? false
    }

    /// The keys every NSX object's facts need (the last of a repeated key, as `member` does),
    /// found in one pass over its members: looking each up by name walked every object's
    /// members ten times. A type's own keys (`UniqueKey`, references) are looked up by name.
    struct Members {
        var body: Int?, meta: Int?, type: Int?, path: Int?, id: Int?

        init(_ node: Int, _ doc: JSONDocument) {
            for (k, v) in doc.members(node) {
                switch doc.decodedLength(k) {
                case 2: if doc.rawStringIs(k, "id") { id = v }
                case 4:
                    if doc.rawStringIs(k, "body") { body = v }
                    else if doc.rawStringIs(k, "meta") { meta = v }
                    else if doc.rawStringIs(k, "path") { path = v }
                case 13: if doc.rawStringIs(k, "resource_type") { type = v }
                default: break
                }
            }
        }

        /// The NSX type, unless the object is none or a `Child*` wrapper (skipped before its
        /// type is decoded).
        func nsxType(_ doc: JSONDocument) -> String? {
            guard let type, doc.kind(type) == .string, !doc.rawStringHasPrefix(type, "Child") else { return nil }
            return doc.string(type)
        }
    }

    /// Enclosing NSX objects with a known path, innermost last, as (subtree end, path, its hash).
    typealias Enclosing = [(end: Int, path: String, hash: UInt64)]

    /// An NSX object's policy path: its own `path`, its collection's root (`/infra`), or one
    /// derived from the enclosing object's (H-API bodies carry an id but no path).
    /// `underEnclosing`: the path is the enclosing path + `/segment/id` (an id without a slash),
    /// so its parent path is the enclosing one.
    static func path(of members: Members, profile: BundleSchema.Profile?, _ doc: JSONDocument, enclosing: Enclosing) -> (path: String, underEnclosing: Bool)? {
        if let path = members.path.flatMap(doc.stringValue) { return (path, false) }
        if let root = profile?.root { return (root, false) }
        // Real hierarchies are a few objects deep (Infra → Domain → policy → Rule). A chain of
        // Domains a million deep would make each derived path longer than the last: quadratic
        // memory (100,000 levels took 12 GB). Deeper objects get no path.
        guard enclosing.count < 16, let id = members.id.flatMap(doc.stringValue), let segment = profile?.segment,
              let parent = enclosing.last?.path, !parent.isEmpty else { return nil }
        return (joined(parent, "/", segment, "/", id), !id.utf8.contains(UInt8(ascii: "/")))
    }

    /// Texts joined into one String allocated once at its size (`+` regrew it at each part, and
    /// a variadic list allocated an array).
    static func joined(_ a: String, _ b: String, _ c: String, _ d: String = "", _ e: String = "") -> String {
        var a = a, b = b, c = c, d = d, e = e
        let count = a.utf8.count + b.utf8.count + c.utf8.count + d.utf8.count + e.utf8.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
            var at = buffer.baseAddress!
            at += copy(&a, to: at); at += copy(&b, to: at); at += copy(&c, to: at); at += copy(&d, to: at); at += copy(&e, to: at)
            return String(decoding: UnsafeBufferPointer(start: buffer.baseAddress!, count: count), as: UTF8.self)
        }
    }

    /// Copies a text's bytes; their count. (A nested function that moved a captured position
    /// cost a dynamic exclusivity check per part.)
    @inline(__always)
    static func copy(_ text: inout String, to target: UnsafeMutablePointer<UInt8>) -> Int {
        text.withUTF8 { bytes in
            if let base = bytes.baseAddress { target.update(from: base, count: bytes.count) }
            return bytes.count
        }
    }

    /// The enclosing paths at `node`, as the document-order walk has them when it reaches it:
    /// the ancestors' paths, derived from the root down. Lets a piece of the document start
    /// where the piece before it ends.
    static func enclosing(at node: Int, _ doc: JSONDocument, _ schema: BundleSchema) -> Enclosing {
        var enclosing: Enclosing = []
        var container = 0
        while container < node, doc.kind(container) == .object || doc.kind(container) == .array {
            if doc.kind(container) == .object, case let members = Members(container, doc), let type = members.nsxType(doc) {
                let profile = schema.profile(type)
                if let (path, _) = path(of: members, profile: profile, doc, enclosing: enclosing) {
                    enclosing.append((Int(doc.nodes[container].subtreeEnd), path, hashText(path)))
                } else if !(profile?.members.isEmpty ?? true) {
                    enclosing.append((Int(doc.nodes[container].subtreeEnd), "", 0))
                }
            }
            // The child whose subtree holds the node; siblings are skipped whole.
            guard let next = doc.children(container).first(where: { $0 <= node && node < Int(doc.nodes[$0].subtreeEnd) }) else { break }
            container = next
        }
        return enclosing
    }

    /// The facts of the objects among `nodes`, a piece of the document (pieces run on every
    /// core and are joined in order with `append`).
    static func gather(_ doc: JSONDocument, nodes: Range<Int>, schema: BundleSchema) -> BundleFacts {
        var facts = BundleFacts()
        facts.doc = doc
        guard !nodes.isEmpty else { return facts }
        var enclosing = enclosing(at: nodes.lowerBound, doc, schema)
        var types = TypeCache(schema)
        for node in nodes where doc.kind(node) == .object {
            while let last = enclosing.last, last.end <= node { enclosing.removeLast() }
            let members = Members(node, doc)
            if let body = members.body, doc.kind(body) == .object, let meta = members.meta, let href = doc.member(meta, "href").flatMap(doc.stringValue) {
                facts.spsObjects.append(href)
            } else if members.body == nil, let meta = members.meta, let href = doc.member(meta, "href").flatMap(doc.stringValue), let slash = href.lastIndex(of: "/") {
                facts.references.append(Reference(collection: String(href[..<slash]), target: href, node: href.isEmpty ? node : doc.member(meta, "href")!))
            }
            guard let type = members.nsxType(doc) else { continue }
            let (typeHash, profile) = types.lookup(type)
            let found = path(of: members, profile: profile, doc, enclosing: enclosing)
            let path = found?.path
            let pathHash = path.map(hashText)
            // The parent its unique keys are counted under. Directly inside a policy without a
            // path, the policy's member lists group it (`gatherMembers`).
            var parent: (path: String, hash: UInt64?)?
            if let profile, !profile.uniqueKeys.isEmpty, !(enclosing.last?.path.isEmpty ?? false) {
                if found?.underEnclosing ?? (path == nil), let last = enclosing.last { parent = (last.path, last.hash) }
                else if let path { parent = (parentPath(path), nil) }
            }
            let keys = parent == nil ? [] : profile!.uniqueKeys
            if let path {
                let first = keys.first.map { key in sibling(node, key, parent: parent!, doc) }
                facts.objects.append(NSXObject(type: type, typeHash: typeHash, path: path, pathHash: pathHash, node: node,
                                               siblingGroup: first?.group, groupHash: first?.hash, sequenceNode: first?.value, doc))
                enclosing.append((Int(doc.nodes[node].subtreeEnd), path, pathHash!))
            } else if let profile, !profile.members.isEmpty {
                // A policy without a path (a PUT body): its objects get no derived paths, and
                // its typed rules are grouped with the untyped ones, under the policy.
                enclosing.append((Int(doc.nodes[node].subtreeEnd), "", 0))
            }
            for (k, key) in keys.enumerated() where path == nil || k > 0 {
                let s = sibling(node, key, parent: parent!, doc)
                facts.objects.append(NSXObject(type: type, typeHash: typeHash, path: "", node: node, siblingGroup: s.group,
                                               groupHash: s.hash, sequenceNode: s.value, uniqueKey: k, doc))
            }
            guard let profile else { continue }
            if !profile.members.isEmpty { gatherMembers(of: node, profile, path: path, pathHash: pathHash, schema, doc, &facts) }
            if !profile.referenceFields.isEmpty { gatherReferences(node, profile, doc, &facts) }
        }
        return facts
    }

    /// An object's place among its siblings for one unique key: the parent's path joined with
    /// the key's `alsoBy` values, and the key's value (a number or string; nil otherwise).
    static func sibling(_ node: Int, _ key: UniqueKey, parent: (path: String, hash: UInt64?), _ doc: JSONDocument) -> (group: String, hash: UInt64?, value: Int?) {
        let value = doc.member(node, key.field).flatMap { doc.kind($0) == .number || doc.kind($0) == .string ? $0 : nil }
        guard !key.alsoBy.isEmpty else { return (parent.path, parent.hash, value) }
        var group = parent.path
        for field in key.alsoBy { group = joined(group, "#", doc.member(node, field).flatMap(doc.stringValue) ?? "") }
        return (group, nil, value)
    }

    /// A bare body (no `resource_type`) that discovery took to be an NSX type: its member
    /// lists and references, as if it carried the type.
    mutating func gatherBare(_ node: Int, as type: String, schema: BundleSchema, _ doc: JSONDocument) {
        guard let profile = schema.profile(type) else { return }
        if !profile.members.isEmpty { Self.gatherMembers(of: node, profile, path: nil, pathHash: nil, schema, doc, &self) }
        if !profile.referenceFields.isEmpty { Self.gatherReferences(node, profile, doc, &self) }
    }

    /// The objects of an object's member lists (a policy's rules), grouped under it for their
    /// unique keys: the untyped ones, and when the object has no path (so its typed members
    /// cannot be grouped by path) the typed ones too. References of untyped members are
    /// gathered here; typed members gather their own.
    static func gatherMembers(of owner: Int, _ profile: BundleSchema.Profile, path: String?, pathHash: UInt64?, _ schema: BundleSchema,
                              _ doc: JSONDocument, _ facts: inout BundleFacts) {
        let group = path ?? "#\(owner)"
        let groupHash = pathHash ?? hashText(group)
        for (field, type) in profile.members {
            guard let list = doc.member(owner, field), doc.kind(list) == .array, let member = schema.profile(type) else { continue }
            let typeHash = hashText(type)
            for element in doc.elements(list) where doc.kind(element) == .object {
                let typed = doc.hasMember(element, "resource_type")
                guard !typed || path == nil else { continue }
                for (k, key) in member.uniqueKeys.enumerated() {
                    let s = sibling(element, key, parent: (group, groupHash), doc)
                    facts.objects.append(NSXObject(type: type, typeHash: typeHash, path: "", node: element, siblingGroup: s.group,
                                                   groupHash: s.hash, sequenceNode: s.value, uniqueKey: k, doc))
                }
                if !typed && !member.referenceFields.isEmpty { gatherReferences(element, member, doc, &facts) }
            }
        }
    }

    /// Joins the facts of consecutive pieces of one document, in document order.
    mutating func append(_ other: BundleFacts) {
        objects += other.objects
        references += other.references
        spsObjects += other.spsObjects
        doc = doc ?? other.doc
    }

    /// The hashes and profiles of the few type names of a document, kept as they are met: an
    /// export names a handful of types a hundred thousand times.
    struct TypeCache {
        let schema: BundleSchema
        var names: [String] = [], entries: [(hash: UInt64, profile: BundleSchema.Profile?)] = []
        var last = -1
        init(_ schema: BundleSchema) { self.schema = schema }

        mutating func lookup(_ type: String) -> (hash: UInt64, profile: BundleSchema.Profile?) {
            if last >= 0 && names[last] == type { return entries[last] }
            if let i = names.firstIndex(of: type) { last = i; return entries[i] }
            let entry = (hashText(type), schema.profile(type))
            if names.count < 16 { names.append(type); entries.append(entry); last = names.count - 1 }
            return entry
        }
    }

    /// The `/…` values of an object's reference fields (`FieldSpec.references`), found by the
    /// keys' bytes: decoding and hashing every member's key was the bulk of this function.
    static func gatherReferences(_ object: Int, _ profile: BundleSchema.Profile, _ doc: JSONDocument, _ facts: inout BundleFacts) {
        for (key, value) in doc.members(object) {
            // Only a list or a path can hold references: most members are neither, and are
            // passed over before their key is looked up.
            let kind = doc.kind(value)
            guard kind == .array || (kind == .string && doc.rawStringHasPrefix(value, "/")),
                  let index = profile.referenceTable.index(of: key, in: doc) else { continue }
            let collection = profile.referenceCollections[index]
            guard kind == .array else {
                facts.references.append(Reference(collection: collection, node: value, doc))
                continue
            }
            for element in doc.elements(value) {
                // ANY, IP addresses, CIDR blocks and ranges are literals, not references.
                guard doc.kind(element) == .string, doc.rawStringHasPrefix(element, "/") else { continue }
                facts.references.append(Reference(collection: collection, node: element, doc))
            }
        }
    }

    /// `/infra/domains/d/groups/g` → `/infra/domains/d`: the path without its last two
    /// segments ("" when it has fewer than three). Sliced at the last two slashes: splitting
    /// and joining every rule's path was a tenth of a run.
    static func parentPath(_ path: String) -> String {
        var path = path
        return path.withUTF8 { utf8 -> String in
            let slash = UInt8(ascii: "/")
            var end = utf8.count, slashes = 0
            while end > 0 {
                end -= 1
                if utf8[end] == slash { slashes += 1; if slashes == 2 { break } }
            }
            guard slashes == 2 else { return "" }
            return String(decoding: UnsafeBufferPointer(rebasing: utf8[..<end]), as: UTF8.self)
        }
    }
}

/// One index over every file of a run (catalogue section 5): dangling references, duplicate
/// paths, duplicate sequence numbers. Dictionaries keyed by path: linear in the bundle's size.
struct BundleIndex {
    let strictReferences: Bool
    let schema: BundleSchema

    /// Issues of the files from `reportedFrom` on: the ones before are context, read for their
    /// definitions only (an editor's workspace: looking for near misses of their references
    /// was most of the time of each edit).
    func check(_ files: [BundleFacts], reportedFrom: Int = 0) -> [Int: [Issue]] {
        var issues: [Int: [Issue]] = [:]
        // Where each path is defined (first definition): objects by (file, index in its facts).
        let objectCount = files.reduce(0) { $0 + $1.objects.count }
        var definitions = HashSlots(expected: objectCount)
        var defined: [(file: Int, object: Int)] = []
        defined.reserveCapacity(objectCount)
        var spsObjects: Set<String> = []
        var spsCollections: Set<String> = []
        for (f, facts) in files.enumerated() {
            for (o, object) in facts.objects.enumerated() where !object.path.isEmpty {
                if let first = definitions.find(object.pathHash, { files[defined[$0].file].objects[defined[$0].object].path == object.path }) {
                    guard f >= reportedFrom else { continue }
                    let position = defined[first].file == f ? "earlier in this file" : "in another file of this run"
                    issues[f, default: []].append(Issue(rule: "dup/id", message: "another \(object.type) with the path \(object.path) is defined \(position); ids must be unique under one parent", anchor: object.node, range: 0..<0))
                } else {
                    definitions.append(object.pathHash)
                    defined.append((f, o))
                }
            }
            for href in facts.spsObjects {
                spsObjects.insert(href)
                if let slash = href.lastIndex(of: "/") { spsCollections.insert(String(href[..<slash])) }
            }
        }
        // The defined paths of each collection, made only when a reference dangles.
        var idsByCollection: [String: [String]]?
        // The files that define objects of each collection.
        var filesByCollection: [String: Set<Int>] = [:]
        func known(_ collection: String) -> [String]? {
            if idsByCollection == nil {
                var byCollection: [String: [String]] = [:]
                for (f, o) in defined {
                    let path = files[f].objects[o].path
                    if let collection = collectionOf(path) {
                        byCollection[collection, default: []].append(path)
                        filesByCollection[collection, default: []].insert(f)
                    }
                }
                idsByCollection = byCollection
            }
            return idsByCollection?[collection]
        }
        for (f, facts) in files.enumerated() where f >= reportedFrom {
            for reference in facts.references {
                if reference.collection.utf8.first == UInt8(ascii: "/") && reference.collection.hasPrefix("/api/") {
                    let target = facts.target(reference)
                    // An SPS reference: {key, meta.href}. Built-in 7x24 time policy -100 always exists.
                    guard !spsObjects.contains(target), !target.hasSuffix("/-100") else { continue }
                    if spsCollections.contains(reference.collection) {
                        issues[f, default: []].append(Issue(rule: "xref/dangling", message: "\(target) names an object that is not in this run's files", anchor: reference.node, range: 0..<0))
                    }
                    continue
                }
                guard definitions.find(reference.targetHash, { facts.references(reference, files[defined[$0].file].objects[defined[$0].object].path) }) == nil else { continue }
                let target = facts.target(reference)
                // A template's path (".../groups/{{ item.id }}") is known only once rendered.
                if TemplatePlaceholder.occurs(in: target) { continue }
                let collection = collectionOf(target) ?? reference.collection
                if schema.predefinedCollections.contains(collection) {
                    // NSX predefines objects of this collection (HTTPS, SSH, …) that no export
                    // of the user's own objects holds: only a near miss of a defined one is a
                    // typo; anything else may be predefined.
                    if let meant = known(collection).flatMap({ nearest(target, in: $0) }) {
                        issues[f, default: []].append(Issue(rule: "xref/dangling", message: "\(target) is not defined in this run's files nor one NSX predefines by that name; did you mean \(meant)?", anchor: reference.node, range: 0..<0))
                    } else if strictReferences {
                        issues[f, default: []].append(Issue(rule: "xref/dangling", message: "\(target) cannot be checked: it is not defined in this run's files, and may be one of the \(collection) NSX predefines", anchor: reference.node, range: 0..<0, level: .note))
                    }
                } else if let known = known(collection) {
                    let meant = nearest(target, in: known)
                    let hint = meant.map { "; did you mean \($0)?" } ?? ""
                    if meant != nil || filesByCollection[collection, default: []].contains(f) {
                        issues[f, default: []].append(Issue(rule: "xref/dangling", message: "\(target) is not defined in this run's files, which do define \(collection)\(hint)", anchor: reference.node, range: 0..<0))
                    } else {
                        // Only other files define the collection, and none of their objects is
                        // a near miss: they may be an export of another NSX, which says little
                        // about this file's references.
                        issues[f, default: []].append(Issue(rule: "xref/dangling", message: "\(target) is not defined in this run's files; the \(collection) the run defines are all in other files, which may describe another NSX Manager", anchor: reference.node, range: 0..<0, level: .warning))
                    }
                } else if strictReferences {
                    issues[f, default: []].append(Issue(rule: "xref/dangling", message: "\(target) cannot be checked: this run holds no \(collection)", anchor: reference.node, range: 0..<0, level: .note))
                }
            }
            // Two siblings with one sequence number: their order is not deterministic.
            var seen = HashSlots(expected: facts.objects.count)
            var seenObjects: [Int] = []
            for (o, object) in facts.objects.enumerated() {
                guard let group = object.siblingGroup, object.sequenceNode != nil else { continue }
                let same = seen.find(object.siblingHash) { entry in
                    let other = facts.objects[seenObjects[entry]]
                    return facts.sameText(other.sequenceNode!, object.sequenceNode!) && other.type == object.type && other.uniqueKey == object.uniqueKey
                        && other.siblingGroup == group
                }
                if same != nil {
                    if let key = schema.profile(object.type)?.uniqueKeys[object.uniqueKey] {
                        let message = key.message.replacing("{type}", with: object.type).replacing("{value}", with: facts.sequenceText(object))
                        issues[f, default: []].append(Issue(rule: key.rule, message: message, anchor: object.sequenceNode!, range: 0..<0))
                    }
                } else {
                    seen.append(object.siblingHash)
                    seenObjects.append(o)
                }
            }
        }
        return issues
    }

    /// `/infra/domains/d/groups/web` → `groups`: the second-to-last non-empty segment. Found
    /// by scanning back from the end; splitting every defined path was a fifth of a run.
    func collectionOf(_ path: String) -> String? {
        var path = path
        return path.withUTF8 { utf8 -> String? in
            let slash = UInt8(ascii: "/")
            // Segments from the end, skipping empty ones (`a//b/`), as split(separator:) does.
            var end = utf8.count
            func segmentBefore() -> Range<Int>? {
                while end > 0, utf8[end - 1] == slash { end -= 1 }
                guard end > 0 else { return nil }
                var start = end
                while start > 0, utf8[start - 1] != slash { start -= 1 }
                defer { end = start }
                return start..<end
            }
            guard segmentBefore() != nil, let collection = segmentBefore() else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: utf8[collection]), as: UTF8.self)
        }
    }

    /// The closest defined path of the same collection, compared by their last segment.
    func nearest(_ target: String, in candidates: [String]) -> String? {
        /// The last non-empty segment, as split(separator:).last, without splitting the path.
        func lastSegment(_ path: String) -> String {
            var end = path.endIndex
            while end > path.startIndex, path.utf8[path.utf8.index(before: end)] == UInt8(ascii: "/") { end = path.utf8.index(before: end) }
            let start = path.utf8[..<end].lastIndex(of: UInt8(ascii: "/")).map { path.utf8.index(after: $0) } ?? path.startIndex
            return String(path[start..<end])
        }
        let id = lastSegment(target)
        let pool = candidates.count > 2000 ? Array(candidates.prefix(2000)) : candidates
        return closestMatch(to: id, in: pool.map(lastSegment), maxDistance: 3)
            .flatMap { match in pool.first { $0.hasSuffix("/" + match) } }
    }
}
