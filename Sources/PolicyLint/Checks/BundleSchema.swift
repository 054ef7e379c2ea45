/// What the packs say about NSX types for the bundle index, gathered once per rule set: where
/// each type lives in a policy path (the packs' `collections`), which of its fields hold
/// references (`references`), which lists hold member objects of such types (a policy's
/// `rules`), and what must be unique among its siblings (`unique`).
final class BundleSchema: Sendable {
    /// One NSX type's part in the bundle. A class: handed out for every object of the type,
    /// a struct of arrays was a reference count for each of them.
    final class Profile: @unchecked Sendable {
        let name: String
        /// The path step before an object's id (`security-policies`), or the root path of the
        /// one object of a root type (`/infra`).
        var segment: String?
        var root: String?
        var uniqueKeys: [UniqueKey] = []
        /// Fields whose `/…` values are references, the collection each names, and the fields
        /// by their bytes (see NameTable).
        var referenceFields: [String] = []
        var referenceCollections: [String] = []
        var referenceTable = NameTable([])
        /// Lists whose object elements are of a type with a profile, even without a
        /// `resource_type` of their own (a policy's rules): `(field, element type)`.
        var members: [(field: String, type: String)] = []

        /// Whether the facts need anything of an object of this type beyond its path.
        var holdsFacts: Bool { !uniqueKeys.isEmpty || !referenceFields.isEmpty || !members.isEmpty }

        init(name: String) { self.name = name }

        /// What a type recognised by this profile's name adds: its unique keys and reference fields.
        func addOwnFacts(of type: TypeSpec) {
            for key in type.uniqueKeys where !uniqueKeys.contains(where: { $0.field == key.field }) { uniqueKeys.append(key) }
            for field in type.fieldOrder {
                guard let spec = type.fields[field] else { continue }
                if let collection = spec.references ?? spec.items?.references, !referenceFields.contains(field) {
                    referenceFields.append(field)
                    referenceCollections.append(collection)
                }
            }
        }

        /// The profile of one model type, loaded on its own (`ModelCatalogue`): its member
        /// lists are those whose element type has unique keys or references of its own.
        static func of(_ type: TypeSpec, collections: [PathCollection], memberType: (String) -> TypeSpec?) -> Profile? {
            guard let name = type.recognize?.resourceType, name != "*" else { return nil }
            let profile = Profile(name: name)
            if let collection = collections.first(where: { $0.types.contains(name) }) {
                profile.segment = collection.segment
                profile.root = collection.root
            }
            profile.addOwnFacts(of: type)
            for field in type.fieldOrder {
                guard let element = type.fields[field]?.items?.member, let target = memberType(element),
                      let targetName = target.recognize?.resourceType, targetName != "*" else { continue }
                let own = Profile(name: targetName)
                own.addOwnFacts(of: target)
                if own.holdsFacts { profile.members.append((field, targetName)) }
            }
            profile.referenceTable = NameTable(profile.referenceFields)
            return profile
        }
    }

    private let profiles: [String: Profile]
    /// Collections in which NSX predefines objects of its own.
    let predefinedCollections: Set<String>
    /// The profiles of the vendor model's types, made when first asked for.
    private let catalogue: ModelCatalogue?

    static let empty = BundleSchema(profiles: [:], predefinedCollections: [], catalogue: nil)

    private init(profiles: [String: Profile], predefinedCollections: Set<String>, catalogue: ModelCatalogue?) {
        self.profiles = profiles
        self.predefinedCollections = predefinedCollections
        self.catalogue = catalogue
    }

    /// The profile of the NSX type of this name (its `resource_type`).
    func profile(_ name: String) -> Profile? { profiles[name] ?? catalogue?.profile(named: name) }

    /// From the resolved types and the collections of every pack. A type's profile is known by
    /// its `resource_type` (every type recognised by that name adds to it) and by its own name.
    convenience init(types: [String: TypeSpec], collections: [PathCollection], catalogue: ModelCatalogue?) {
        // Filled in while this initialiser runs, read-only afterwards.
        var profiles: [String: Profile] = [:]
        func profile(_ name: String) -> Profile {
            if let existing = profiles[name] { return existing }
            let new = Profile(name: name)
            profiles[name] = new
            return new
        }
        for collection in collections {
            for name in collection.types {
                profile(name).segment = collection.segment
                profile(name).root = collection.root
            }
        }
        // Types by the resource_type they recognise (several may share one).
        var described: [(name: String, type: TypeSpec)] = []
        for type in types.values.sorted(by: { $0.name < $1.name }) {
            guard let name = type.recognize?.resourceType, name != "*" else { continue }
            described.append((name, type))
        }
        for (name, type) in described { profile(name).addOwnFacts(of: type) }
        // Member lists, once every profile's own facts are known.
        for (name, type) in described {
            for field in type.fieldOrder {
                guard let element = type.fields[field]?.items?.member, let targetName = types[element]?.recognize?.resourceType,
                      profiles[targetName]?.holdsFacts == true,
                      !(profiles[name]?.members.contains { $0.field == field } ?? true) else { continue }
                profiles[name]?.members.append((field, targetName))
            }
        }
        for profile in profiles.values { profile.referenceTable = NameTable(profile.referenceFields) }
        // A collection's type that only the model describes gets its profile from the model.
        if let catalogue {
            let describedNames = Set(described.map(\.name))
            for name in profiles.keys where !describedNames.contains(name) && catalogue.lines.contains(name) { profiles[name] = nil }
        }
        self.init(profiles: profiles, predefinedCollections: Set(collections.filter(\.predefined).compactMap(\.segment)), catalogue: catalogue)
    }
}
