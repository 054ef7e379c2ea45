/// One replacement of a byte range of the input.
public struct TextEdit: Sendable, Equatable {
    public var range: Range<Int>
    public var replacement: String

    init(range: Range<Int>, replacement: String) {
        self.range = range
        self.replacement = replacement
    }

    /// Removes a member with its comma, and its whole line when it stands alone on one, so the
    /// rest of the file keeps its layout.
    static func removingMember(key: Int, value: Int, in doc: JSONDocument) -> TextEdit {
        let b = doc.bytes
        let start = doc.range(key).lowerBound, end = doc.range(value).upperBound
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
        var after = end
        while after < b.count && (isSpace(b[after]) || b[after] == 0x0A || b[after] == 0x0D) { after += 1 }
        if after < b.count && b[after] == UInt8(ascii: ",") {
            // Not the last member: take the comma too.
            var lineStart = start
            while lineStart > 0 && isSpace(b[lineStart - 1]) { lineStart -= 1 }
            var lineEnd = after + 1
            while lineEnd < b.count && isSpace(b[lineEnd]) { lineEnd += 1 }
            let aloneOnLine = (lineStart == 0 || b[lineStart - 1] == 0x0A) && lineEnd < b.count && (b[lineEnd] == 0x0A || b[lineEnd] == 0x0D)
            if aloneOnLine {
                if b[lineEnd] == 0x0D && lineEnd + 1 < b.count && b[lineEnd + 1] == 0x0A { lineEnd += 1 }
                return TextEdit(range: lineStart..<(lineEnd + 1), replacement: "")
            }
            return TextEdit(range: start..<lineEnd, replacement: "")
        }
        // The last member: take the comma before it, if any.
        var before = start
        while before > 0 && (isSpace(b[before - 1]) || b[before - 1] == 0x0A || b[before - 1] == 0x0D) { before -= 1 }
        if before > 0 && b[before - 1] == UInt8(ascii: ",") { return TextEdit(range: (before - 1)..<end, replacement: "") }
        return TextEdit(range: start..<end, replacement: "")
    }

    /// Applies edits that do not overlap (the first of overlapping ones wins); returns the new
    /// bytes and how many edits were applied.
    static func apply(_ edits: [TextEdit], to bytes: [UInt8]) -> (bytes: [UInt8], applied: Int) {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var cursor = 0, applied = 0
        for edit in edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) where edit.range.lowerBound >= cursor {
            result.append(contentsOf: bytes[cursor..<edit.range.lowerBound])
            result.append(contentsOf: Array(edit.replacement.utf8))
            cursor = edit.range.upperBound
            applied += 1
        }
        result.append(contentsOf: bytes[cursor...])
        return (result, applied)
    }
}

/// A safe fix of a finding: what it does, and the edit.
public struct Fix: Sendable, Equatable {
    public var description: String
    public var edit: TextEdit
    /// Where the edit starts and ends, for SARIF.
    public var start = SourcePosition(line: 1, column: 1)
    public var end = SourcePosition(line: 1, column: 1)
}

/// `policylint fix`: applies the safe fixes (read-only fields removed, except _revision; enum
/// values off only by case) until none is left, keeping the rest of the file byte for byte.
public struct Fixer {
    let linter: Linter
    /// The rules whose fixes are safe to apply without a person looking.
    static let safeRules: Set<String> = ["schema/readonly-field", "schema/enum"]

    public init(ruleSet: RuleSet, options: LintOptions) {
        var options = options
        // Fixing turns an export into a body the API accepts: check it as authored.
        options.mode = .authored
        linter = Linter(ruleSet: ruleSet, options: options)
    }

    public enum Outcome: Equatable {
        case unchanged
        case fixed(bytes: [UInt8], fixes: [String])
        /// Files with syntax errors are never touched: a repair could land in the wrong place.
        case refused(reason: String)
    }

    public func fix(file: String, bytes: [UInt8]) -> Outcome {
        var current = bytes
        var descriptions: [String] = []
        // Each pass applies every non-overlapping fix; a few passes settle neighbours.
        for _ in 0..<16 {
            let report = linter.lint(file: file, bytes: current)
            // One rendering was read: an edit that suits it (a comma dropped with a field) can
            // break a branch or loop iteration that was not.
            if report.readAsTemplate { return .refused(reason: "it is a template, read as one rendering of it; an edit could break the renderings policylint did not read") }
            if report.findings.contains(where: { $0.ruleID == "json/syntax" || $0.ruleID == "json/encoding" }) {
                return descriptions.isEmpty ? .refused(reason: "the file has syntax errors; fix them first") : .fixed(bytes: current, fixes: descriptions)
            }
            let fixes = report.findings.filter { Self.safeRules.contains($0.ruleID) }.compactMap { finding in finding.fix.map { (finding, $0) } }
            guard !fixes.isEmpty else { break }
            let (next, applied) = TextEdit.apply(fixes.map(\.1.edit), to: current)
            guard applied > 0 else { break }
            var taken = Set<Int>()
            var cursor = 0
            for (finding, fix) in fixes.sorted(by: { $0.1.edit.range.lowerBound < $1.1.edit.range.lowerBound }) where fix.edit.range.lowerBound >= cursor && !taken.contains(fix.edit.range.lowerBound) {
                taken.insert(fix.edit.range.lowerBound)
                cursor = fix.edit.range.upperBound
                descriptions.append("\(finding.start.line):\(finding.start.column): \(fix.description)")
            }
            current = next
        }
        return descriptions.isEmpty ? .unchanged : .fixed(bytes: current, fixes: descriptions)
    }
}
