#if canImport(Glibc)
import Glibc
#endif

/// Checks of an NSX object as a whole, named by rules/nsx-common.json.
enum NSXObjectChecks {
    static let pathFunction = CheckFunction(
        name: "path-ends-with-id",
        summary: "An NSX object's `path` ends with `/` and its `id` (only for an object that names its `resource_type`: a member or bare body without one is not taken for a stored NSX object).",
        target: .object,
        rules: ["nsx/path-id-mismatch"],
        options: [],
        make: { _ in PathEndsWithID() })

    static let resourceTypeFunction = CheckFunction(
        name: "resource-type-known",
        summary: "An object's `resource_type` that is no type of the NSX model (rules/data/nsx-type-names.json) and none a pack declares, but close to one: a typo, and the object went unchecked. Named by the type that catches every `resource_type` no other type claims.",
        target: .object,
        rules: ["nsx/unknown-resource-type"],
        options: [],
        make: { _ in ResourceTypeKnown() })

    struct PathEndsWithID: CheckBody {
        func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
            let doc = context.doc
            // One pass over the members (every NSX object comes here): the last of each name,
            // as NSX keeps a repeated key's last value.
            var named = false, path: Int?, idNode: Int?
            for (k, v) in doc.members(object) {
                let first = doc.bytes[Int(doc.nodes[k].start) + 1]
                // (A key may spell its first letter as an escape: it is then decoded to compare.)
                let escaped = first == UInt8(ascii: "\\")
                if first == UInt8(ascii: "r") || escaped, doc.kind(v) == .string, doc.rawStringIs(k, "resource_type") { named = true }
                else if first == UInt8(ascii: "p") || escaped, doc.rawStringIs(k, "path") { path = v }
                else if first == UInt8(ascii: "i") || escaped, doc.rawStringIs(k, "id") { idNode = v }
            }
            guard named, let path, doc.kind(path) == .string, let idNode, doc.kind(idNode) == .string,
                  !pathEndsWithID(path, idNode, doc), case let id = doc.string(idNode),
                  !id.isEmpty, !doc.string(path).hasSuffix("/" + id) else { return }
            context.report("nsx/path-id-mismatch", "path \(context.describe(path)) does not end with the object's id '\(id)'", at: path)
        }

        /// The common case decided on the bytes: both plain ASCII (where a byte suffix is a
        /// Character suffix) and the path ending in `/` + id. False means "look closer"
        /// (decoding both), not a mismatch.
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
    }

    struct ResourceTypeKnown: CheckBody {
        func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
            let doc = context.doc
            var resourceType: Int?
            for (k, v) in doc.members(object) where doc.kind(v) == .string && doc.rawStringIs(k, "resource_type") { resourceType = v }
            guard let resourceType else { return }
            let names = NSXTypeNames.shared
            if names.table.index(of: resourceType, in: doc) != nil { return }
            let name = doc.string(resourceType)
            guard !context.ruleSet.kindNames.contains(name), let meant = names.closest(to: name) else { return }
            context.report("nsx/unknown-resource-type",
                           "\(context.describe(resourceType)) is no NSX resource_type, so this object was not checked; did you mean '\(meant)'?",
                           at: resourceType)
        }
    }
}
