/// The sets a firewall rule matches, as NSX evaluates it: sources and destinations as IPv4 and
/// IPv6 intervals, services as IP protocol × port intervals, direction and IP family, and the
/// applied-to scope. What cannot be computed from the run's files (a group of VMs chosen by
/// tag, a service NSX predefines) is an opaque token, known only by its path: equal to itself,
/// and contained only in itself or in ANY.

/// A closed interval of values.
struct Span: Equatable {
    var lo: UInt128
    var hi: UInt128
}

/// Sorted, disjoint, non-adjacent spans.
enum Spans {
    static func normalized(_ spans: [Span]) -> [Span] {
        guard spans.count > 1 else { return spans }
        // Most lists are already in order (a group's blocks as written, a union of such): kept
        // as they are, without sorting a copy.
        var inOrder = true
        for i in 1..<spans.count where spans[i - 1].hi == .max || spans[i].lo <= spans[i - 1].hi + 1 || spans[i].lo > spans[i].hi {
            inOrder = false
            break
        }
        if inOrder { return spans }
        let sorted = spans.sorted { $0.lo < $1.lo }
        var out: [Span] = [sorted[0]]
        for s in sorted.dropFirst() {
            let last = out[out.count - 1]
            if last.hi == .max || s.lo <= last.hi + 1 {
                if s.hi > last.hi { out[out.count - 1].hi = s.hi }
            } else {
                out.append(s)
            }
        }
        return out
    }

    static func intersect(_ a: [Span], _ b: [Span]) -> [Span] {
        if a.isEmpty || b.isEmpty { return [] }
        var out: [Span] = []
        var i = 0, j = 0
        while i < a.count && j < b.count {
            let lo = max(a[i].lo, b[j].lo), hi = min(a[i].hi, b[j].hi)
            if lo <= hi { out.append(Span(lo: lo, hi: hi)) }
            if a[i].hi < b[j].hi { i += 1 } else { j += 1 }
        }
        return out
    }

    static func overlaps(_ a: [Span], _ b: [Span]) -> Bool {
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if max(a[i].lo, b[j].lo) <= min(a[i].hi, b[j].hi) { return true }
            if a[i].hi < b[j].hi { i += 1 } else { j += 1 }
        }
        return false
    }

    static func subtract(_ a: [Span], _ b: [Span]) -> [Span] {
        if a.isEmpty || b.isEmpty { return a }
        var out: [Span] = []
        var j = 0
        for var s in a {
            var alive = true
            while j < b.count && b[j].hi < s.lo { j += 1 }
            var k = j
            while alive && k < b.count && b[k].lo <= s.hi {
                if b[k].lo > s.lo { out.append(Span(lo: s.lo, hi: b[k].lo - 1)) }
                if b[k].hi >= s.hi { alive = false } else { s.lo = b[k].hi + 1 }
                k += 1
            }
            if alive { out.append(s) }
        }
        return out
    }
}

/// The universe of one dimension: the full spans of its two numeric parts (IPv4 and IPv6 for
/// addresses; services use one), or none (a scope is tokens alone).
struct DimSpace {
    var aFull: Span?
    var bFull: Span?

    static let addresses = DimSpace(aFull: Span(lo: 0, hi: UInt128(UInt32.max)), bFull: Span(lo: 0, hi: .max))
    /// IP protocol (8 bits) × destination port or ICMP type and code (16 bits).
    static let services = DimSpace(aFull: Span(lo: 0, hi: (256 << 16) - 1), bFull: nil)
    static let twoValues = DimSpace(aFull: Span(lo: 0, hi: 1), bFull: nil)
    static let tokensOnly = DimSpace(aFull: nil, bFull: nil)
}

/// One dimension's set: everything (`all`), or numeric spans and opaque tokens.
struct Dim: Equatable {
    var all = false
    var a: [Span] = []
    var b: [Span] = []
    /// Sorted, unique.
    var tokens: [Int32] = []

    static let everything = Dim(all: true)
    static let nothing = Dim()

    var isEmpty: Bool { !all && a.isEmpty && b.isEmpty && tokens.isEmpty }
    var hasTokens: Bool { !tokens.isEmpty }

    func normalized(_ space: DimSpace) -> Dim {
        if all { return self }
        var d = self
        d.a = Spans.normalized(a); d.b = Spans.normalized(b)
        if let af = space.aFull, d.a == [af], space.bFull.map({ d.b == [$0] }) ?? true { return .everything }
        return d
    }

    static func union(_ x: Dim, _ y: Dim, _ space: DimSpace) -> Dim {
        if x.all || y.all { return .everything }
        let tokens = x.tokens.isEmpty ? y.tokens : y.tokens.isEmpty ? x.tokens : Array(Set(x.tokens + y.tokens)).sorted()
        if x.a.isEmpty && x.b.isEmpty { return Dim(a: y.a, b: y.b, tokens: tokens) }
        if y.a.isEmpty && y.b.isEmpty { return Dim(a: x.a, b: x.b, tokens: tokens) }
        return Dim(a: x.a + y.a, b: x.b + y.b, tokens: tokens).normalized(space)
    }

    /// What both hold, as far as known: spans exactly, tokens only when both name them (or one
    /// side is everything). It may miss a token's unknown members; `subtract` keeps them.
    static func intersect(_ x: Dim, _ y: Dim) -> Dim {
        if x.all { return y }
        if y.all { return x }
        return Dim(a: Spans.intersect(x.a, y.a), b: Spans.intersect(x.b, y.b), tokens: sortedIntersection(x.tokens, y.tokens))
    }

    /// At least what `x` holds beyond `y` (a token is removed only by itself or everything).
    static func subtract(_ x: Dim, _ y: Dim, _ space: DimSpace) -> Dim {
        if y.all { return .nothing }
        if x.all {
            guard let af = space.aFull else { return x }
            return Dim(a: Spans.subtract([af], y.a), b: Spans.subtract(space.bFull.map { [$0] } ?? [], y.b)).normalized(space)
        }
        if y.isEmpty { return x }
        return Dim(a: Spans.subtract(x.a, y.a), b: Spans.subtract(x.b, y.b), tokens: sortedDifference(x.tokens, y.tokens))
    }

    /// Whether `intersect(x, y)` is not empty, without building it.
    static func intersects(_ x: Dim, _ y: Dim) -> Bool {
        if x.all { return !y.isEmpty }
        if y.all { return !x.isEmpty }
        if Spans.overlaps(x.a, y.a) || Spans.overlaps(x.b, y.b) { return true }
        var i = 0, j = 0
        while i < x.tokens.count && j < y.tokens.count {
            if x.tokens[i] == y.tokens[j] { return true }
            if x.tokens[i] < y.tokens[j] { i += 1 } else { j += 1 }
        }
        return false
    }

    /// Whether the two may share a member: true unless provably disjoint (a token may hold
    /// any address, and two tokens the same VM).
    static func mayIntersect(_ x: Dim, _ y: Dim) -> Bool {
        if x.isEmpty || y.isEmpty { return false }
        if x.all || y.all || x.hasTokens || y.hasTokens { return true }
        return Spans.overlaps(x.a, y.a) || Spans.overlaps(x.b, y.b)
    }

    static func sortedIntersection(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        if a.isEmpty || b.isEmpty { return [] }
        var out: [Int32] = [], i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { out.append(a[i]); i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return out
    }

    static func sortedDifference(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        if a.isEmpty || b.isEmpty { return a }
        var out: [Int32] = [], j = 0
        for t in a {
            while j < b.count && b[j] < t { j += 1 }
            if j < b.count && b[j] == t { continue }
            out.append(t)
        }
        return out
    }
}

/// The packets one rule matches: a product of its dimensions.
struct Box {
    static let scope = 0, source = 1, destination = 2, service = 3, direction = 4, family = 5
    static let spaces: [DimSpace] = [.tokensOnly, .addresses, .addresses, .services, .twoValues, .twoValues]
    var dims: [Dim]

    var isEmpty: Bool { dims.contains { $0.isEmpty } }

    static func mayIntersect(_ x: Box, _ y: Box) -> Bool {
        for i in 0..<x.dims.count where !Dim.mayIntersect(x.dims[i], y.dims[i]) { return false }
        return true
    }

    /// `x` minus `y`, as disjoint boxes holding at least what is left, and whether `y` took
    /// anything away.
    static func subtract(_ x: Box, _ y: Box) -> (pieces: [Box], removed: Bool) {
        // Disjoint in one dimension (most earlier rules are): nothing to take, and no
        // difference worth making. Told without building a set, before any is built.
        for i in 0..<x.dims.count where !Dim.intersects(x.dims[i], y.dims[i]) { return ([x], false) }
        var pieces: [Box] = []
        var prefix = x
        for i in 0..<x.dims.count {
            let common = Dim.intersect(prefix.dims[i], y.dims[i])
            let difference = Dim.subtract(prefix.dims[i], y.dims[i], spaces[i])
            if !difference.isEmpty {
                var piece = prefix
                piece.dims[i] = difference
                pieces.append(piece)
            }
            prefix.dims[i] = common
        }
        return (pieces, true)
    }

    /// Whether `y` holds every packet of `x` (as far as the run's files tell).
    static func covers(_ y: Box, _ x: Box) -> Bool {
        for i in 0..<x.dims.count where !Dim.subtract(x.dims[i], y.dims[i], spaces[i]).isEmpty { return false }
        return true
    }
}

/// The addresses an address literal stands for, as spans of the IPv4 and IPv6 spaces (an
/// address, a CIDR block or a range `a-b`). `AddressLiteral` says why a literal is invalid; this
/// reads valid ones fast, IPv4 from the bytes, for a rule base of a hundred thousand rules.
enum AddressSpans {
    /// The literal's spans: (IPv4, IPv6); nil when it is no literal.
    static func parse(_ text: String) -> (v4: [Span], v6: [Span])? {
        // IPv4, the common case, read from the bytes.
        var copy = text
        if let fast = copy.withUTF8({ ipv4Literal($0) }) { return fast.map { ([$0], []) } }
        let text = text.trimmingPrefix(" ")
        if let dash = text.firstIndex(of: "-") {
            let from = String(text[..<dash]), to = String(text[text.index(after: dash)...])
            if let a = ipv4(from), let b = ipv4(to), a <= b { return ([Span(lo: UInt128(a), hi: UInt128(b))], []) }
            if let a = ipv6(from), let b = ipv6(to), a <= b { return ([], [Span(lo: a, hi: b)]) }
            return nil
        }
        var address = String(text), prefix: Int?
        if let slash = text.firstIndex(of: "/") {
            address = String(text[..<slash])
            guard let p = Int(text[text.index(after: slash)...]) else { return nil }
            prefix = p
        }
        if let v4 = ipv4(address) {
            let p = prefix ?? 32
            guard (0...32).contains(p) else { return nil }
            let mask: UInt32 = p == 0 ? 0 : UInt32.max << (32 - p)
            return ([Span(lo: UInt128(v4 & mask), hi: UInt128(v4 | ~mask))], [])
        }
        if let v6 = ipv6(address) {
            let p = prefix ?? 128
            guard (0...128).contains(p) else { return nil }
            let mask: UInt128 = p == 0 ? 0 : UInt128.max << (128 - p)
            return ([], [Span(lo: v6 & mask, hi: v6 | ~mask)])
        }
        return nil
    }

    /// An IPv4 literal's span: nil when the text is not IPv4 at all (no ':' check needed by the
    /// caller), .some(nil) when it looks like IPv4 but is invalid.
    static func ipv4Literal(_ b: UnsafeBufferPointer<UInt8>) -> Span?? {
        var start = 0
        while start < b.count && b[start] == 0x20 { start += 1 }
        var dash = -1, slash = -1
        for i in start..<b.count {
            switch b[i] {
            case 0x2D: if dash < 0 { dash = i }
            case 0x2F: if slash < 0 { slash = i }
            case 0x2E, 0x30...0x39: break
            default: return nil
            }
        }
        func address(_ from: Int, _ to: Int) -> UInt32? {
            var value: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
            for i in from..<to {
                if b[i] == 0x2E {
                    guard digits > 0 else { return nil }
                    value = value << 8 | octet; octet = 0; digits = 0; dots += 1
                } else if b[i] >= 0x30 && b[i] <= 0x39 {
                    octet = octet * 10 + UInt32(b[i] - 0x30); digits += 1
                    guard digits <= 3, octet <= 255 else { return nil }
                } else { return nil }
            }
            guard digits > 0, dots == 3 else { return nil }
            return value << 8 | octet
        }
        if dash >= 0 {
            guard slash < 0, let lo = address(start, dash), let hi = address(dash + 1, b.count), lo <= hi else { return .some(nil) }
            return Span(lo: UInt128(lo), hi: UInt128(hi))
        }
        guard let a = address(start, slash >= 0 ? slash : b.count) else { return .some(nil) }
        var prefix = 32
        if slash >= 0 {
            guard slash + 1 < b.count, b.count - slash - 1 <= 2 else { return .some(nil) }
            prefix = 0
            for i in (slash + 1)..<b.count {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return .some(nil) }
                prefix = prefix * 10 + Int(b[i] - 0x30)
            }
            guard prefix <= 32 else { return .some(nil) }
        }
        let mask: UInt32 = prefix == 0 ? 0 : UInt32.max << (32 - prefix)
        return Span(lo: UInt128(a & mask), hi: UInt128(a | ~mask))
    }

    static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit), let n = UInt32(part), n <= 255 else { return nil }
            value = value << 8 | n
        }
        return value
    }

    static func ipv6(_ text: String) -> UInt128? {
        guard text.contains(":") else { return nil }
        var text = Substring(text)
        var tail: [UInt16] = []
        // An IPv4 tail (::ffff:10.0.0.1).
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains("."),
           let v4 = ipv4(String(text[text.index(after: lastColon)...])) {
            tail = [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
            text = text[...lastColon]
            if text.hasSuffix(":") && !text.hasSuffix("::") { text = text.dropLast() }
        }
        func groups(_ s: Substring) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            for g in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        var all: [UInt16]
        if let gap = text.firstRange(of: "::") {
            guard let head = groups(text[..<gap.lowerBound]), let rest = groups(text[gap.upperBound...]) else { return nil }
            let known: Int = head.count + rest.count + tail.count
            guard known <= 7 else { return nil }
            let zeros = [UInt16](repeating: 0, count: 8 - known)
            all = head + zeros
            all += rest
            all += tail
        } else {
            guard let g = groups(text) else { return nil }
            all = g + tail
        }
        guard all.count == 8 else { return nil }
        var value: UInt128 = 0
        for g in all { value = value << 16 | UInt128(g) }
        return value
    }
}
