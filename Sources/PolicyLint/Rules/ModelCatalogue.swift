#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The packs generated from a vendor's model (`rules/generated/`, or the OpenAPI document of
/// `--nsx-spec`), indexed by type name without being parsed. Thousands of types, of which a
/// document uses a few: parsing them all took 200 ms, twenty times a small file's whole run. A
/// model pack keeps each type on one line (`{"name":"X",…},`), so a type is read from its line
/// when a document first uses it (`ModelCatalogue`).
public final class ModelLines: Sendable {
    struct Pack: Sendable {
        let file: String
        let model: ModelSource?
        /// The pack's text, read in place (a built-in pack's is in the binary).
        let text: String
        /// Where each type's line starts, in the order of their names.
        let lineStarts: [Int32]
    }
    let packs: [Pack]
    /// The index of each pack's first type among all types.
    private let firstIndex: [Int]
    /// How many types the packs hold.
    let count: Int

    /// `packs`: the texts of model packs, in order of precedence (a name the first declares is
    /// found there, not in a later one).
    /// `lineStarts`: where each type's line starts, when known (the built-in packs'): the
    /// text is then not scanned.
    init(packs texts: [(name: String, text: String, lineStarts: [Int32]?)]) throws {
        var packs: [Pack] = [], firstIndex: [Int] = [], count = 0
        for (file, text, known) in texts {
            var text = text
            if let known, let first = known.first {
                let headerEnd = Int(first) - "\n\"types\":[\n".utf8.count
                let header = try RulePackLoader.load(file: file, bytes: Array(text.utf8.prefix(headerEnd)) + Array("\n\"types\":[]}".utf8))
                firstIndex.append(count)
                count += known.count
                packs.append(Pack(file: file, model: header.model, text: text, lineStarts: known))
                continue
            }
            // Indexed where the text lies, with memchr, and no name made a String: copying the
            // built-in models' 1.6 MB, and hashing their 3,241 names into a table, was a quarter
            // of a small file's run.
            let (headerEnd, starts, sorted) = try text.withUTF8 { utf8 -> (Int, [Int32], Bool) in
                guard let base = utf8.baseAddress, utf8.count < Int(Int32.max) else { throw ConfigurationError(file: file, message: "not a model pack") }
                let marker = Array("\n\"types\":[\n".utf8), opening = Array("{\"name\":\"".utf8)
                // The header's few lines, to the line that opens the types.
                var headerEnd = 0
                while true {
                    guard let newline = memchr(base + headerEnd, 0x0A, utf8.count - headerEnd) else {
                        throw ConfigurationError(file: file, message: "a model pack keeps its types in a list \"types\":[ on a line of its own, one type per line")
                    }
                    headerEnd = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                    if headerEnd + marker.count <= utf8.count, memcmp(base + headerEnd, marker, marker.count) == 0 { break }
                    headerEnd += 1
                }
                var starts: [Int32] = [], sorted = true
                var lineStart = headerEnd + marker.count, previous: Range<Int>?
                while lineStart + opening.count < utf8.count, memcmp(base + lineStart, opening, opening.count) == 0 {
                    starts.append(Int32(lineStart))
                    let lineEnd = memchr(base + lineStart, 0x0A, utf8.count - lineStart).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? utf8.count
                    // Names are found by binary search: each must sort after the one before.
                    let nameStart = lineStart + opening.count
                    let nameEnd = memchr(base + nameStart, 0x22, max(0, lineEnd - nameStart)).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? lineEnd
                    if let p = previous {
                        let c = memcmp(base + p.lowerBound, base + nameStart, min(p.count, nameEnd - nameStart))
                        if c > 0 || (c == 0 && p.count >= nameEnd - nameStart) { sorted = false }
                    }
                    previous = nameStart..<nameEnd
                    lineStart = lineEnd + 1
                }
                return (headerEnd, starts, sorted)
            }
            // The header is everything before the types: read as a pack of no types.
            let header = try RulePackLoader.load(file: file, bytes: Array(text.utf8.prefix(headerEnd)) + Array("\n\"types\":[]}".utf8))
            var pack = Pack(file: file, model: header.model, text: text, lineStarts: starts)
            // A pack written unsorted (or with a name twice) is sorted here.
            if !sorted {
                let names = (0..<starts.count).map { Self.name(in: pack, $0) }
                let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
                pack = Pack(file: file, model: header.model, text: text, lineStarts: order.map { starts[$0] })
            }
            firstIndex.append(count)
            count += starts.count
            packs.append(pack)
        }
        self.packs = packs
        self.firstIndex = firstIndex
        self.count = count
    }

    /// The models built into the binary (`rules/generated/*.json`); the tests check that they
    /// load, and every type in them.
    public static let builtIn: ModelLines? = try? ModelLines(packs: embedded)

    /// The built-in model packs, the Policy API's first, with their line starts.
    static var embedded: [(name: String, text: String, lineStarts: [Int32]?)] {
        embeddedModelPacks.sorted { precedence($0.name) < precedence($1.name) }.map { ($0.name, $0.text, $0.lineStarts) }
    }

    /// The model an NSX Manager's own OpenAPI document describes (`--nsx-spec`): its types are
    /// checked exactly, as that appliance's version has them; the built-in model's types stand
    /// in for those the document lacks. `packs`: the rule packs whose types are hand-written.
    public static func nsxSpecification(_ bytes: [UInt8], file: String, packs: [RulePack]) throws -> ModelLines {
        let spec = try NSXSpecImport.pack(fromSpec: bytes, file: file, handWritten: packs)
        return try ModelLines(packs: [(file, spec, nil)] + embedded)
    }

    /// The Policy API's types first: the Manager API model repeats none of them, but if it
    /// did, the Policy API's would be the ones policy paths hold.
    static func precedence(_ name: String) -> Int { name.contains("policy") ? 0 : 1 }

    /// The name on a type's line: from `{"name":"` to the next quote (names have no escapes).
    private static func nameBytes<R>(in pack: Pack, _ line: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var text = pack.text
        return text.withUTF8 { utf8 in
            let start = Int(pack.lineStarts[line]) + 9
            var end = start
            while end < utf8.count, utf8[end] != UInt8(ascii: "\"") { end += 1 }
            return body(UnsafeBufferPointer(rebasing: utf8[start..<end]))
        }
    }

    private static func name(in pack: Pack, _ line: Int) -> String {
        nameBytes(in: pack, line) { String(decoding: $0, as: UTF8.self) }
    }

    /// Every type's name, in index order (for "did you mean" and the tests).
    var names: [String] {
        packs.flatMap { pack in (0..<pack.lineStarts.count).map { Self.name(in: pack, $0) } }
    }

    func name(at index: Int) -> String {
        let p = firstIndex.lastIndex { $0 <= index }!
        return Self.name(in: packs[p], index - firstIndex[p])
    }

    /// The index of the type with this name, by binary search in each pack in turn.
    func index(ofName key: UnsafeBufferPointer<UInt8>) -> Int? {
        for (p, pack) in packs.enumerated() {
            var low = 0, high = pack.lineStarts.count
            while low < high {
                let middle = (low + high) / 2
                let order = Self.nameBytes(in: pack, middle) { name -> Int in
                    let common = min(name.count, key.count)
                    let c = common == 0 ? 0 : Int(memcmp(name.baseAddress!, key.baseAddress!, common))
                    return c != 0 ? c : name.count - key.count
                }
                if order == 0 { return firstIndex[p] + middle }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
        }
        return nil
    }

    func index(of name: String) -> Int? {
        var name = name
        return name.withUTF8 { index(ofName: $0) }
    }

    /// The index of the type a string node names.
    func index(of node: Int, in doc: JSONDocument) -> Int? {
        let n = doc.nodes[node]
        guard n.kind == .string else { return nil }
        if n.flags & JSONNode.hasEscapes != 0 { return index(of: doc.string(node)) }
        return doc.bytes.withUnsafeBufferPointer { all in
            index(ofName: UnsafeBufferPointer(rebasing: all[Int(n.start) + 1..<Int(n.end) - 1]))
        }
    }

    func contains(_ name: String) -> Bool { index(of: name) != nil }

    /// Parses one type from its line.
    func parse(_ index: Int) throws -> TypeSpec {
        let p = firstIndex.lastIndex { $0 <= index }!
        let pack = packs[p]
        var text = pack.text
        let bytes = text.withUTF8 { utf8 -> [UInt8] in
            let start = Int(pack.lineStarts[index - firstIndex[p]])
            var end = start
            while end < utf8.count, utf8[end] != 0x0A { end += 1 }
            // Without the comma that separates it from the next type.
            while end > start, utf8[end - 1] == UInt8(ascii: ",") || utf8[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            return Array(utf8[start..<end])
        }
        let reader = try StrictReader(file: pack.file, bytes: bytes)
        return try RulePackLoader.typeSpec(reader.doc.root!, reader, pack: pack.file, model: pack.model)
    }
}

/// The model's types for one rule set, loaded on first use by any thread. A loaded type is
/// resolved as the rule set resolves its own (its includes merged, its field table built) and
/// gets its part in the bundle index (`BundleSchema.Profile`).
final class ModelCatalogue: Sendable {
    let lines: ModelLines
    /// The rule set's resolved types: a model type includes them (`nsx.ManagedResource`), and
    /// a model type the rule set already holds (one a hand-written type includes) is that one.
    private let resolved: [String: TypeSpec]
    private let collections: [PathCollection]
    /// The types and profiles read so far, by index. A lookup takes the lock, but few do:
    /// discovery keeps the last types it met, a field its member type, the bundle index its
    /// profiles. (A slot per type, made at start, was a twentieth of a small file's run.)
    private let types = Mutex<[Int: TypeBox]>([:])
    private let profiles = Mutex<[Int: ProfileBox]>([:])

    final class TypeBox: Sendable {
        let type: TypeSpec?
        init(_ type: TypeSpec?) { self.type = type }
    }
    final class ProfileBox: Sendable {
        let profile: BundleSchema.Profile?
        init(_ profile: BundleSchema.Profile?) { self.profile = profile }
    }

    init(lines: ModelLines, resolved: [String: TypeSpec], collections: [PathCollection]) {
        self.lines = lines
        self.resolved = resolved
        self.collections = collections
    }

    /// The type of this name, from the rule set or the model; nil when neither has it.
    func type(named name: String) -> TypeSpec? {
        if let type = resolved[name] { return type }
        return lines.index(of: name).flatMap { type(at: $0) }
    }

    /// The model type an NSX object's `resource_type` (a string node) names.
    func type(for resourceType: Int, in doc: JSONDocument) -> TypeSpec? {
        lines.index(of: resourceType, in: doc).flatMap { type(at: $0) }
    }

    /// The bundle profile of a model type the rule set does not hold (a type's profile needs
    /// its member types, so it is made apart from the type: loading a type loads no other
    /// type than those it includes).
    func profile(named name: String) -> BundleSchema.Profile? {
        guard resolved[name] == nil, let index = lines.index(of: name) else { return nil }
        if let done = profiles.withLock({ $0[index] }) { return done.profile }
        let profile = type(at: index).flatMap { BundleSchema.Profile.of($0, collections: collections, memberType: type(named:)) }
        // Two threads may make it; the first one kept wins.
        return profiles.withLock { found in
            if let first = found[index] { return first.profile }
            found[index] = ProfileBox(profile)
            return profile
        }
    }

    /// Includes are at most this deep: a model's types include a hand-written type or, at
    /// most, a base; a loop (in a user's spec) ends here instead of recursing for ever.
    static let maximumIncludeDepth = 16

    private func type(at index: Int, depth: Int = 0) -> TypeSpec? {
        if let done = types.withLock({ $0[index] }) { return done.type }
        guard depth < Self.maximumIncludeDepth else { return nil }
        let name = lines.name(at: index)
        var type = resolved[name]
        if type == nil, var found = try? lines.parse(index) {
            // A line that does not parse (the tests parse every built-in one) leaves the type unknown.
            for included in found.include {
                if let base = resolved[included] ?? lines.index(of: included).flatMap({ self.type(at: $0, depth: depth + 1) }) {
                    found.merge(included: base)
                }
            }
            type = found
        }
        return types.withLock { loaded in
            if let first = loaded[index] { return first.type }
            loaded[index] = TypeBox(type)
            return type
        }
    }
}
