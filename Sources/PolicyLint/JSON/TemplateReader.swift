/// Which files are read as templates (`--template`).
public enum TemplateMode: String, Sendable, CaseIterable {
    /// Files named `*.j2`, and files whose plain reading stops at template syntax outside a
    /// string (`{{`, `{%`, `{#`): a plain JSON file is parsed exactly as before.
    case auto
    /// Every file.
    case jinja
    /// No file: template syntax outside strings is a JSON syntax error.
    case none
}

/// Reads templated JSON (Jinja2 and Ansible, Postman) as the JSON of one rendering, so the
/// checks go on past its placeholders.
///
/// The template's bytes are copied into a *shape* of the same length that the ordinary parser
/// reads: an unquoted placeholder (`{{ groups | to_json }}`) becomes a string of the same width,
/// marked afterwards as an opaque value; tags (`{% … %}`) and comments (`{# … #}`) become spaces
/// (line breaks kept). Every offset is the template's own, so findings keep their line, column
/// and pointer, and the document keeps the template's bytes for excerpts and fixes.
///
/// One rendering is read: a loop's body once, and of `{% if %}…{% elif %}…{% else %}…{% endif %}`
/// the first branch only. A rendering takes exactly one branch, so reading them all would join
/// alternatives into duplicate keys and missing commas; the first is the one the author wrote as
/// the main case. A branch holding nothing but a comma (`{% if not loop.last %},{% endif %}`) is
/// a separator whose need depends on the rendering: it is read as absent, so the last item does
/// not end in a trailing comma, while a comma every rendering keeps is still reported. A loop
/// whose body is joined to itself without any comma is reported: it breaks with two items.
enum TemplateReader {
    /// `*.j2` (`*.json.j2` among them), in any case.
    static func isTemplateName(_ name: String) -> Bool {
        name.utf8.count > 3 && name.suffix(3).lowercased() == ".j2"
    }

    /// Whether the plain parse stopped at template syntax: a problem at `{{`, `{%` or `{#` (or
    /// at its second byte, where the first `{` opened an object). A `{{` must be followed by a
    /// space, a name or Postman's `$` (`{{$guid}}`), as placeholders are written: `{{"a": 1}}`,
    /// a doubled brace in plain JSON, stays a syntax error.
    static func stoppedAtTemplateSyntax(_ doc: JSONDocument) -> Bool {
        let bytes = doc.bytes
        func opensTemplateSyntax(_ i: Int) -> Bool {
            guard i >= 0, i + 2 < bytes.count, bytes[i] == openBrace else { return false }
            switch bytes[i + 1] {
            case percent, hash: return true
            case openBrace:
                var j = i + 2
                if bytes[j] == minus || bytes[j] == plus { j += 1 }
                guard j < bytes.count else { return false }
                let c = bytes[j]
                return c == space || c == tab || c == newline || c == UInt8(ascii: "$") || isIdentifierByte(c)
            default: return false
            }
        }
        return doc.problems.contains { opensTemplateSyntax($0.offset) || opensTemplateSyntax($0.offset - 1) }
    }

    /// The template as the document of one rendering (see above).
    static func parse(_ bytes: [UInt8]) -> JSONDocument {
        var scan = TemplateScan(bytes)
        scan.run()
        let parsed = JSONParser.parse(scan.shape)
        var nodes = parsed.nodes
        // Nodes and placeholders are both in document order: one merge marks them.
        var next = 0
        for i in nodes.indices where next < scan.placeholders.count {
            let start = Int(nodes[i].start)
            while next < scan.placeholders.count && scan.placeholders[next] < start { next += 1 }
            if next < scan.placeholders.count && scan.placeholders[next] == start && nodes[i].kind == .string {
                nodes[i].flags |= JSONNode.placeholder | JSONNode.hasEscapes
            }
        }
        var problems = parsed.problems.filter { $0.offset < (scan.stoppedAt ?? Int.max) }
        // The parser saw a placeholder as a string: a message about it names what is written.
        let placeholderStarts = Set(scan.placeholders)
        for i in problems.indices where placeholderStarts.contains(problems[i].offset) {
            problems[i].message = problems[i].message.replacing("found '\"'", with: "found a placeholder")
        }
        // The template's own problems go in by position; the parser's keep their order, and the
        // one that stopped it stays last.
        // (An opener never closed blanks the rest of the shape: the parser's end-of-input
        // problem there is left out above, and that opener's problem is the last.)
        let parserStopped = !parsed.isComplete && parsed.problems.last.map { $0.offset < (scan.stoppedAt ?? Int.max) } ?? false
        for problem in scan.problems {
            let at = problems.firstIndex { $0.offset > problem.offset } ?? problems.endIndex
            problems.insert(problem, at: parserStopped && at == problems.endIndex ? at - 1 : at)
        }
        var doc = JSONDocument(bytes: bytes, nodes: nodes, problems: Array(problems.prefix(JSONParser.problemLimit)),
                               isComplete: parsed.isComplete && scan.stoppedAt == nil)
        doc.isTemplate = scan.foundSyntax
        return doc
    }
}

private let quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'"), backslash = UInt8(ascii: "\\")
private let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}"), percent = UInt8(ascii: "%"), hash = UInt8(ascii: "#")
private let comma = UInt8(ascii: ","), minus = UInt8(ascii: "-"), plus = UInt8(ascii: "+")
private let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

/// A byte that joins a placeholder beside it into one value (`{{ a }}-{{ b }}`, `80{{ x }}`).
private func isWordByte(_ c: UInt8) -> Bool { isIdentifierByte(c) || c == minus || c == UInt8(ascii: ".") }

private func isWhitespace(_ c: UInt8) -> Bool { c == space || c == tab || c == newline || c == carriageReturn }

/// One pass over a template, writing its shape. Linear in the input whatever it holds: each
/// block keeps what its branch read as it goes, rather than looking at its body again.
struct TemplateScan {
    let bytes: [UInt8]
    var shape: [UInt8]
    var problems: [JSONProblem] = []
    /// Where each unquoted placeholder's value starts, ascending.
    var placeholders: [Int] = []
    /// Template syntax was met outside strings.
    var foundSyntax = false
    /// An opener never closed: the shape is blank from here on.
    var stoppedAt: Int?

    /// The JSON a branch holds once read: its first and last bytes that are not whitespace,
    /// and how many there are.
    struct Content {
        var first = -1, last = -1, count = 0
        mutating func add(_ other: Content) {
            guard other.count > 0 else { return }
            if count == 0 { first = other.first }
            last = other.last
            count += other.count
        }
    }

    struct Block {
        enum Kind: String { case `if`, `for` }
        var kind: Kind
        var tag: Range<Int>
        /// The first `{% elif %}` or `{% else %}`: from here to the end tag is not read.
        var otherBranchesFrom: Int?
        /// What the first branch holds (a loop: its body).
        var content = Content()
        /// A loop: a conditional comma directly in its body separates its items.
        var hasSeparator = false
    }
    var blocks: [Block] = []
    /// How many open blocks are in a branch that is not read; the indexes of the open loops.
    var unreadBranches = 0
    var loops: [Int] = []
    var openCount: [Block.Kind: Int] = [.if: 0, .for: 0]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        shape = bytes
    }

    var count: Int { bytes.count }

    mutating func run() {
        var i = 0
        while i < count {
            let c = bytes[i]
            if c == quote {
                let end = skipString(from: i)
                read(i); read(end - 1)
                i = end
                continue
            }
            if c == openBrace && i + 1 < count {
                switch bytes[i + 1] {
                case openBrace: i = placeholder(at: i); continue
                case percent: i = tag(at: i); continue
                case hash: i = comment(at: i); continue
                default: break
                }
            }
            if !isWhitespace(c) { read(i) }
            i += 1
        }
        guard stoppedAt == nil else { return }
        var unread: Int?
        for block in blocks {
            problem(block.tag, "this '{% \(block.kind.rawValue) %}' is never closed by '{% end\(block.kind.rawValue) %}'")
            if unread == nil, let from = block.otherBranchesFrom { unread = from }
        }
        if let unread { blank(unread..<count) }
    }

    /// A byte of JSON at `offset` (not whitespace) belongs to the innermost block's branch.
    mutating func read(_ offset: Int) {
        guard !blocks.isEmpty, blocks[blocks.count - 1].otherBranchesFrom == nil else { return }
        blocks[blocks.count - 1].content.add(Content(first: offset, last: offset, count: 1))
    }

    mutating func problem(_ range: Range<Int>, _ message: String) {
        guard problems.count < JSONParser.problemLimit else { return }
        problems.append(JSONProblem(kind: .syntax, offset: range.lowerBound, endOffset: range.upperBound, message: message))
    }

    /// Spaces in the shape, line breaks kept (a finding's line is counted from the template).
    mutating func blank(_ range: Range<Int>) {
        for j in range where !(bytes[j] == newline || bytes[j] == carriageReturn) { shape[j] = space }
    }

    /// Past a JSON string. A placeholder or tag inside it is skipped whole, its quotes and
    /// backslashes made harmless in the shape (`"{{ item["name"] }}"` is one string); it is
    /// opaque already (TemplatePlaceholder). Returns at a line break: an unterminated string is
    /// the parser's to report.
    mutating func skipString(from start: Int) -> Int {
        var i = start + 1
        while i < count {
            let c = bytes[i]
            if c == quote { return i + 1 }
            if c == backslash { i += 2; continue }
            if c == newline || c == carriageReturn { return i }
            if c == openBrace, i + 1 < count, let end = closing(bytes[i + 1], from: i + 2, withinLine: true) {
                for j in i..<end {
                    if bytes[j] == quote { shape[j] = apostrophe } else if bytes[j] == backslash { shape[j] = UInt8(ascii: "/") }
                }
                i = end
                continue
            }
            i += 1
        }
        return count
    }

    /// The offset after the `}}`, `%}` or `#}` that closes the opener whose second byte is
    /// `second`, searched from `from`; nil when none does (or `second` opens nothing). As Jinja2
    /// reads an expression, a closer inside a string literal or inside brackets does not count
    /// (`{{ {'a': {'b': 1}} }}`, `{{ "}}" }}`); when that reading finds none before the next
    /// opener, the first closer. Stopping at the next opener, and remembering the last search
    /// for a plain closer, keep a file of unbalanced brackets or quotes linear.
    mutating func closing(_ second: UInt8, from: Int, withinLine: Bool) -> Int? {
        let closer: UInt8
        switch second {
        case openBrace: closer = closeBrace
        case percent: closer = percent
        case hash: closer = hash
        default: return nil
        }
        func ends(_ i: Int) -> Bool { withinLine && (bytes[i] == newline || bytes[i] == carriageReturn) }
        func opens(_ i: Int) -> Bool { bytes[i] == openBrace && i + 1 < count && (bytes[i + 1] == openBrace || bytes[i + 1] == percent) }
        if second != hash {
            var depth = 0, i = from
            scan: while i + 1 < count && !ends(i) {
                let c = bytes[i]
                if depth == 0 && c == closer && bytes[i + 1] == closeBrace { return i + 2 }
                switch c {
                case quote, apostrophe:
                    var j = i + 1
                    while j < count && bytes[j] != c && !ends(j) && !opens(j) { j += bytes[j] == backslash ? 2 : 1 }
                    guard j < count && bytes[j] == c else { break scan }
                    i = j
                case openBrace:
                    if opens(i) { break scan }
                    depth += 1
                case UInt8(ascii: "["), UInt8(ascii: "("): depth += 1
                case closeBrace, UInt8(ascii: "]"), UInt8(ascii: ")"): depth = max(0, depth - 1)
                default: break
                }
                i += 1
            }
        }
        guard let found = plainCloser(closer, from: from) else { return nil }
        return withinLine && lineBreak(from: from) < found - 2 ? nil : found
    }

    /// The last search for each closer and for a line break: where it started and what it found.
    var closerSearches: [UInt8: (from: Int, found: Int?)] = [:]
    var lineBreakSearch: (from: Int, found: Int) = (Int.max, 0)

    /// The offset after the first `closer` + `}` at or after `from`.
    mutating func plainCloser(_ closer: UInt8, from: Int) -> Int? {
        if let last = closerSearches[closer], last.from <= from, last.found.map({ $0 - 2 >= from }) ?? true { return last.found }
        var i = from, found: Int?
        while i + 1 < count {
            if bytes[i] == closer && bytes[i + 1] == closeBrace { found = i + 2; break }
            i += 1
        }
        closerSearches[closer] = (from, found)
        return found
    }

    /// The first line break at or after `from` (the input's length when there is none).
    mutating func lineBreak(from: Int) -> Int {
        if lineBreakSearch.from <= from && lineBreakSearch.found >= from { return lineBreakSearch.found }
        var i = from
        while i < count && bytes[i] != newline && bytes[i] != carriageReturn { i += 1 }
        lineBreakSearch = (from, i)
        return i
    }

    /// An opener without its closer: Jinja2 cannot render the file, and nothing after it is read.
    mutating func unclosed(at i: Int, _ opener: String, _ closer: String) -> Int {
        problem(i..<i + 2, "'\(opener)' is never closed by '\(closer)', so the template cannot be rendered")
        blank(i..<count)
        stoppedAt = i
        return count
    }

    /// `{{ … }}` outside strings: a value of any type, or a separator (`{{ "," if not loop.last }}`).
    mutating func placeholder(at i: Int) -> Int {
        foundSyntax = true
        guard let end = closing(openBrace, from: i + 2, withinLine: false) else { return unclosed(at: i, "{{", "}}") }
        if isSeparator(bytes[i + 2..<end - 2]) {
            blank(i..<end)
            if let loop = loops.last { blocks[loop].hasSeparator = true }
            return end
        }
        // Placeholders and word characters written together make one value (`{{ a }}-{{ b }}`).
        var start = i
        while start > 0 && isWordByte(shape[start - 1]) { start -= 1 }
        var stop = end
        while stop < count {
            if isWordByte(bytes[stop]) { stop += 1; continue }
            if bytes[stop] == openBrace, stop + 1 < count, bytes[stop + 1] == openBrace,
               let next = closing(openBrace, from: stop + 2, withinLine: false), !isSeparator(bytes[stop + 2..<next - 2]) { stop = next; continue }
            break
        }
        shape[start] = quote
        for j in start + 1..<stop - 1 { shape[j] = space }
        shape[stop - 1] = quote
        placeholders.append(start)
        read(start); read(stop - 1)
        return stop
    }

    /// A loop's comma written as an expression: it names `loop.` and a `","` or `','` literal.
    func isSeparator(_ expression: ArraySlice<UInt8>) -> Bool {
        func has(_ text: StaticString) -> Bool {
            let needle = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
            guard expression.count >= needle.count else { return false }
            var i = expression.startIndex
            while i + needle.count <= expression.endIndex {
                if expression[i..<i + needle.count].elementsEqual(needle) { return true }
                i += 1
            }
            return false
        }
        return has("loop.") && (has("\",\"") || has("','"))
    }

    /// `{# … #}`: not part of any rendering.
    mutating func comment(at i: Int) -> Int {
        foundSyntax = true
        guard let end = closing(hash, from: i + 2, withinLine: false) else { return unclosed(at: i, "{#", "#}") }
        blank(i..<end)
        return end
    }

    /// `{% … %}`: blanked; `if` and `for` blocks are followed to read one rendering.
    mutating func tag(at i: Int) -> Int {
        foundSyntax = true
        guard let end = closing(percent, from: i + 2, withinLine: false) else { return unclosed(at: i, "{%", "%}") }
        blank(i..<end)
        var j = i + 2
        while j < end - 2 && (isWhitespace(bytes[j]) || bytes[j] == minus || bytes[j] == plus) { j += 1 }
        var k = j
        while k < end - 2 && isIdentifierByte(bytes[k]) { k += 1 }
        let name = String(decoding: bytes[j..<k], as: UTF8.self)
        switch name {
        case "if", "for":
            let kind: Block.Kind = name == "if" ? .if : .for
            if kind == .for { loops.append(blocks.count) }
            blocks.append(Block(kind: kind, tag: i..<end))
            openCount[kind, default: 0] += 1
        case "elif", "else":
            guard let top = blocks.last, top.kind == .if || name == "else" else {
                problem(i..<end, "'{% \(name) %}' outside an '{% if %}'\(name == "else" ? " or '{% for %}'" : "") block, so the template cannot be rendered")
                break
            }
            if top.otherBranchesFrom == nil {
                if endFirstBranch(top, at: i..<end) { blocks[blocks.count - 1].content = Content() }
                blocks[blocks.count - 1].otherBranchesFrom = i
                unreadBranches += 1
            }
        case "endif", "endfor":
            let kind: Block.Kind = name == "endif" ? .if : .for
            guard openCount[kind, default: 0] > 0, let open = blocks.lastIndex(where: { $0.kind == kind }) else {
                problem(i..<end, "'{% \(name) %}' closes no '{% \(kind.rawValue) %}', so the template cannot be rendered")
                break
            }
            // Blocks opened inside this one and never closed: Jinja2 refuses the template.
            while blocks.count > open + 1 {
                let inner = blocks[blocks.count - 1]
                problem(inner.tag, "this '{% \(inner.kind.rawValue) %}' is never closed by '{% end\(inner.kind.rawValue) %}'")
                close(at: i..<i, judged: false)
            }
            close(at: i..<end)
        default: break
        }
        return end
    }

    /// Ends the innermost block at its end tag `tag`: its first branch is judged (unless the
    /// block was never closed), the others blanked, and what it read becomes part of the
    /// branch around it.
    mutating func close(at tag: Range<Int>, judged: Bool = true) {
        let block = blocks.removeLast()
        openCount[block.kind, default: 0] -= 1
        if block.kind == .for { loops.removeLast() }
        var content = block.content
        if let from = block.otherBranchesFrom {
            unreadBranches -= 1
            // Inside a branch that is not read, the outermost such branch blanks it all.
            if unreadBranches == 0 { blank(from..<tag.upperBound) }
        } else if judged && endFirstBranch(block, at: tag) {
            content = Content()
        }
        if !blocks.isEmpty && blocks[blocks.count - 1].otherBranchesFrom == nil {
            blocks[blocks.count - 1].content.add(content)
        }
    }

    /// At the end of a block's first branch (at `tag`): an `if` branch holding only a comma is
    /// a separator, read as absent (true); a loop's items must be separated.
    @discardableResult
    mutating func endFirstBranch(_ block: Block, at tag: Range<Int>) -> Bool {
        let content = block.content
        switch block.kind {
        case .if:
            guard content.count == 1, shape[content.first] == comma else { return false }
            shape[content.first] = space
            if let loop = loops.last { blocks[loop].hasSeparator = true }
            return true
        case .for:
            // Inside a branch that is not read, nothing is judged.
            guard content.count > 0, !block.hasSeparator, shape[content.first] != comma, shape[content.last] != comma,
                  unreadBranches == 0 else { return false }
            problem(tag, "the loop's items are not separated by ',': with two or more they render as invalid JSON; end the item with '{% if not loop.last %},{% endif %}'")
            return false
        }
    }
}
