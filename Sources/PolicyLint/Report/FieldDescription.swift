/// What the packs say about the field at a place in a document, in words: the type that holds
/// it, its value's type and constraints with their sources, and the rules that check it. An
/// editor shows it when the pointer rests on a key or value (`policylint lsp`'s hover).
public struct FieldDescription: Sendable, Equatable {
    /// The member described, key to value, as byte offsets of the document.
    public var byteRange: Range<Int>
    /// Markdown, as the Language Server Protocol's hover shows it.
    public var markdown: String
}

extension Linter {
    /// The field whose key or value holds `offset`, in the object of a type the packs or the
    /// NSX model know; nil elsewhere (punctuation, an object no type checks, a field the type
    /// does not declare).
    public func describeField(file: String, bytes: [UInt8], at offset: Int) -> FieldDescription? {
        let scan = scan(file: file, bytes: bytes)
        let doc = scan.doc
        guard let root = doc.root else { return nil }
        var resources: [Int: Resource] = [:]
        for resource in scan.discovered.resources { resources[resource.node] = resource }

        // Down from the root to the value holding the offset, with the type of each object on
        // the way: a discovered object's own, or its field's member type.
        var node = root
        var holder: TypeSpec?
        var field: FieldSpec?
        var found: (name: String, holder: TypeSpec, field: FieldSpec, member: Range<Int>)?
        descend: while true {
            switch doc.kind(node) {
            case .object:
                let type = resources[node]?.type ?? field.flatMap { $0.member == nil ? nil : ruleSet.memberType(of: $0) }
                holder = type
                for (key, value) in doc.members(node) {
                    let onKey = doc.range(key).contains(offset)
                    guard onKey || doc.range(value).contains(offset) else { continue }
                    let name = doc.string(key)
                    field = holder?.fields[name]
                    if let holder, let field {
                        found = (name, holder, field, doc.range(key).lowerBound..<doc.range(value).upperBound)
                    } else {
                        found = nil
                    }
                    if onKey { break descend }
                    node = value
                    continue descend
                }
                break descend
            case .array:
                guard let element = doc.elements(node).first(where: { doc.range($0).contains(offset) }) else { break descend }
                field = field?.items
                node = element
            default:
                break descend
            }
        }
        guard let found else { return nil }
        return FieldDescription(byteRange: found.member, markdown: describe(found.name, found.field, of: found.holder))
    }

    func describe(_ name: String, _ field: FieldSpec, of type: TypeSpec) -> String {
        var lines = ["**\(name)** · field of \(type.displayName)" + (field.origin.map { " (\($0.model.name))" } ?? "")]
        var facts: [String] = []
        var constraints = field
        // "a list (at most 128 items) of " for each level of lists, then what an element is.
        var lists = ""
        while constraints.types == [.array], let items = constraints.items {
            var count = ""
            if let min = constraints.minItems, let max = constraints.maxItems { count = min == max ? " (exactly \(min))" : " (\(min) to \(max) items)" }
            else if let min = constraints.minItems { count = " (at least \(min) item\(min == 1 ? "" : "s"))" }
            else if let max = constraints.maxItems { count = " (at most \(max) item\(max == 1 ? "" : "s"))" }
            lists += "a list\(count) of "
            constraints = items
        }
        let types = constraints.types.map { $0 == .wholeNumber ? "whole number (or a string of digits)" : $0.rawValue }
        if !types.isEmpty { facts.append(types.joined(separator: " or ")) }
        if let member = constraints.member { facts.append("checked as \(ruleSet.memberType(of: constraints)?.displayName ?? member)") }
        if let min = constraints.minimum, let max = constraints.maximum { facts.append("\(formatNumber(min)) to \(formatNumber(max))") }
        else if let min = constraints.minimum { facts.append("at least \(formatNumber(min))") }
        else if let max = constraints.maximum { facts.append("at most \(formatNumber(max))") }
        if let min = constraints.minLength, let max = constraints.maxLength { facts.append("\(min) to \(max) characters") }
        else if let min = constraints.minLength { facts.append("at least \(min) character\(min == 1 ? "" : "s")") }
        else if let max = constraints.maxLength { facts.append("at most \(max) characters") }
        if let meaning = constraints.patternMeaning { facts.append(meaning) }
        else if let pattern = constraints.pattern { facts.append("matching `\(pattern.source)`") }
        if let format = constraints.format { facts.append(format.expectation) }
        if constraints.references != nil { facts.append("a policy path, resolved against the files of the workspace") }
        if field.secret { facts.append("a credential: policylint never shows its value") }
        if !facts.isEmpty { lines.append(lists + facts.joined(separator: " · ")) }
        if let values = constraints.enumValues { lines.append("One of: " + values.map { "`\($0)`" }.joined(separator: ", ")) }
        if field.readOnly { lines.append("Read-only: NSX sets it; a PUT or PATCH body must not carry it.") }
        if let deprecated = field.deprecated { lines.append("Deprecated: \(deprecated)") }
        if let source = field.limitSource { lines.append("Limits: \(source)") }
        if let origin = field.origin { lines.append("Source: \(origin)") }
        if let ruleID = field.rule ?? constraints.rule, let rule = ruleSet.rules[ruleID] {
            lines.append("Rule `\(rule.id)` (\(rule.level.rawValue)): \(rule.summary) \(rule.explanation)\n\nSource: \(rule.source)")
        } else {
            // The schema checker's own rules for what the field declares.
            let generic: [(String, Bool)] = [
                ("schema/enum", constraints.enumValues != nil), ("schema/range", constraints.minimum != nil || constraints.maximum != nil),
                ("schema/length", constraints.minLength != nil || constraints.maxLength != nil),
                ("schema/items", field.minItems != nil || field.maxItems != nil), ("schema/pattern", constraints.pattern != nil),
                ("schema/format", constraints.format != nil), ("schema/readonly-field", field.readOnly), ("schema/deprecated", field.deprecated != nil),
            ]
            let rules = generic.filter(\.1).compactMap { ruleSet.rules[$0.0] }
            if !rules.isEmpty { lines.append("Checked by " + rules.map { "`\($0.id)` (\($0.summary))" }.joined(separator: ", ")) }
        }
        return lines.joined(separator: "\n\n")
    }
}
