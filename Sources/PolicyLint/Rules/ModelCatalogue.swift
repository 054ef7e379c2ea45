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
        let bytes: [UInt8]
    }
    let packs: [Pack]
    /// Every type's name, and its pack and line (a byte range of the pack's text).
    let names: [String]
    let lines: [(pack: Int, range: Range<Int>)]
    let table: NameTable

    /// `packs`: the texts of model packs, in order of precedence (a name the first declares is
    /// not taken from a later one).
    init(packs texts: [(name: String, text: String)]) throws {
        var packs: [Pack] = [], names: [String] = [], lines: [(pack: Int, range: Range<Int>)] = [], seen: Set<String> = []
        for (file, text) in texts {
            let bytes = Array(text.utf8)
            // The header is everything before the types: read as a pack of no types.
            let marker = Array("\n\"types\":[\n".utf8)
            guard let start = Self.find(marker, in: bytes, from: 0) else {
                throw ConfigurationError(file: file, message: "a model pack keeps its types in a list \"types\":[ on a line of its own, one type per line")
            }
            let header = try RulePackLoader.load(file: file, bytes: Array(bytes[..<start]) + Array("\n\"types\":[]}".utf8))
            let p = packs.count
            packs.append(Pack(file: file, model: header.model, bytes: bytes))
            var lineStart = start + marker.count
            let opening = Array("{\"name\":\"".utf8)
            while lineStart < bytes.count, bytes[lineStart...].starts(with: opening) {
                let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                let nameStart = lineStart + opening.count
                guard let nameEnd = bytes[nameStart..<lineEnd].firstIndex(of: UInt8(ascii: "\"")) else {
                    throw ConfigurationError(file: file, message: "a type's line does not close its name")
                }
                let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
                if seen.insert(name).inserted {
                    names.append(name)
                    // Without the comma that separates it from the next type.
                    var end = lineEnd
                    while end > lineStart, bytes[end - 1] == UInt8(ascii: ",") || bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    lines.append((p, lineStart..<end))
                }
                lineStart = lineEnd + 1
            }
        }
        self.packs = packs
        self.names = names
        self.lines = lines
        table = NameTable(names)
    }

    /// The models built into the binary (`rules/generated/*.json`); the tests check that they
    /// load, and every type in them.
    public static let builtIn: ModelLines? = try? ModelLines(packs: embeddedModelPacks.sorted { precedence($0.name) < precedence($1.name) })

    /// The Policy API's types first: the Manager API model repeats none of them, but if it
    /// did, the Policy API's would be the ones policy paths hold.
    static func precedence(_ name: String) -> Int { name.contains("policy") ? 0 : 1 }

    func contains(_ name: String) -> Bool { table.index(of: name) != nil }

    /// Parses one type from its line.
    func parse(_ index: Int) throws -> TypeSpec {
        let (p, range) = lines[index]
        let pack = packs[p]
        let reader = try StrictReader(file: pack.file, bytes: Array(pack.bytes[range]))
        return try RulePackLoader.typeSpec(reader.doc.root!, reader, pack: pack.file, model: pack.model)
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var i = from
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], bytes[i..<i + needle.count].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
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
    private let slots: [Slot]

    final class TypeBox: Sendable {
        let type: TypeSpec?
        init(_ type: TypeSpec?) { self.type = type }
    }
    final class ProfileBox: Sendable {
        let profile: BundleSchema.Profile?
        init(_ profile: BundleSchema.Profile?) { self.profile = profile }
    }
    /// Set once, by whichever thread needs it first (two may build it; one result wins).
    final class Slot: Sendable {
        let type = AtomicLazyReference<TypeBox>()
        let profile = AtomicLazyReference<ProfileBox>()
    }

    init(lines: ModelLines, resolved: [String: TypeSpec], collections: [PathCollection]) {
        self.lines = lines
        self.resolved = resolved
        self.collections = collections
        slots = lines.names.map { _ in Slot() }
    }

    /// The type of this name, from the rule set or the model; nil when neither has it.
    func type(named name: String) -> TypeSpec? {
        if let type = resolved[name] { return type }
        return lines.table.index(of: name).flatMap { type(at: $0) }
    }

    /// The model type an NSX object's `resource_type` (a string node) names.
    func type(for resourceType: Int, in doc: JSONDocument) -> TypeSpec? {
        guard let index = lines.table.index(of: resourceType, in: doc) else { return nil }
        if let type = resolved[lines.names[index]] { return type }
        return type(at: index)
    }

    /// The bundle profile of a model type the rule set does not hold (a type's profile needs
    /// its member types, so it is made apart from the type: loading a type loads no other
    /// type than those it includes).
    func profile(named name: String) -> BundleSchema.Profile? {
        guard resolved[name] == nil, let index = lines.table.index(of: name) else { return nil }
        if let done = slots[index].profile.load() { return done.profile }
        let profile = type(at: index).flatMap { BundleSchema.Profile.of($0, collections: collections, memberType: type(named:)) }
        return slots[index].profile.storeIfNil(ProfileBox(profile)).profile
    }

    /// Includes are at most this deep: a model's types include a hand-written type or, at
    /// most, a base; a loop (in a user's spec) ends here instead of recursing for ever.
    static let maximumIncludeDepth = 16

    private func type(at index: Int, depth: Int = 0) -> TypeSpec? {
        if let done = slots[index].type.load() { return done.type }
        guard depth < Self.maximumIncludeDepth else { return nil }
        // A line that does not parse (the tests parse every built-in one) leaves the type unknown.
        var type = try? lines.parse(index)
        if var found = type {
            for name in found.include {
                if let base = resolved[name] ?? lines.table.index(of: name).flatMap({ self.type(at: $0, depth: depth + 1) }) {
                    found.merge(included: base)
                }
            }
            found.fieldTable = FieldTable(found.fields, required: found.required)
            type = found
        }
        return slots[index].type.storeIfNil(TypeBox(type)).type
    }
}
