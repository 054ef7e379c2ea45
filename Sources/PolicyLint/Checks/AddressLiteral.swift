/// The IP literals NSX firewall rules and IPAddressExpressions accept: an IPv4 or IPv6 address,
/// a CIDR block `a/n` or a range `a-b` (the SDK's `Rule.source_groups` and
/// `IPAddressExpression.ip_addresses`: "CIDR, IP Address, Range of IP Address").
enum AddressLiteral {
    enum Family: Equatable { case ipv4, ipv6 }

    struct Block {
        let family: Family
        /// The first address, as 16-bit groups (an IPv4 address is two), compared in order.
        let start: [UInt16]
    }

    enum Parsed {
        case valid(Block)
        /// Why it is no literal NSX accepts, in words, and what to write instead where that is
        /// certain (a range written backwards), as the fix a person may apply.
        case invalid(String, fixed: String? = nil)
    }

    static func parse(_ text: String) -> Parsed {
        // Most literals are plain IPv4 addresses or blocks: read from the bytes; anything else,
        // an invalid literal above all, takes the slower path that can say why.
        var copy = text
        if let block = copy.withUTF8(plainIPv4) { return .valid(block) }
        return parseInFull(text)
    }

    /// Any literal, with the reason when it is invalid.
    static func parseInFull(_ text: String) -> Parsed {
        if let dash = text.firstIndex(of: "-") {
            let first = String(text[..<dash]), last = String(text[text.index(after: dash)...])
            guard let a = address(first) else { return .invalid(addressReason(first)) }
            guard let b = address(last) else { return .invalid(addressReason(last)) }
            guard a.family == b.family else { return .invalid("a range must start and end in the same family (IPv4 or IPv6)") }
            if a.start.lexicographicallyPrecedes(b.start) || a.start == b.start { return .valid(a) }
            return .invalid("the range starts above its end: write \(last)-\(first)", fixed: "\(last)-\(first)")
        }
        if let slash = text.firstIndex(of: "/") {
            let base = String(text[..<slash]), prefix = text[text.index(after: slash)...]
            guard let a = address(base) else { return .invalid(addressReason(base)) }
            let most = a.family == .ipv4 ? 32 : 128
            guard !prefix.isEmpty, prefix.count <= 3, prefix.allSatisfy(\.isASCIIDigit), let length = Int(prefix) else {
                return .invalid("the prefix length after '/' must be a number from 0 to \(most)")
            }
            guard length <= most else { return .invalid("the prefix length \(length) is above \(most), the most an \(a.family == .ipv4 ? "IPv4" : "IPv6") block has") }
            return .valid(a)
        }
        guard let a = address(text) else { return .invalid(addressReason(text)) }
        return .valid(a)
    }

    /// `a.b.c.d` or `a.b.c.d/n` exactly as `parse` accepts it (numbers 0–255 without leading
    /// zeros, a prefix of 1 or 2 digits up to 32 without a leading zero); nil for anything else,
    /// which `parse` then reads the slow way.
    static func plainIPv4(_ b: UnsafeBufferPointer<UInt8>) -> Block? {
        var octets: [UInt16] = [], value = 0, digits = 0, i = 0, firstDigit: UInt8 = 0
        func endOctet() -> Bool {
            guard digits > 0, value <= 255, digits == 1 || firstDigit != UInt8(ascii: "0") else { return false }
            octets.append(UInt16(value)); value = 0; digits = 0
            return true
        }
        while i < b.count {
            let c = b[i]
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if digits == 0 { firstDigit = c }
                digits += 1
                guard digits <= 3 else { return nil }
                value = value * 10 + Int(c - UInt8(ascii: "0"))
            } else if c == UInt8(ascii: ".") {
                guard octets.count < 3, endOctet() else { return nil }
            } else if c == UInt8(ascii: "/") {
                break
            } else {
                return nil
            }
            i += 1
        }
        guard octets.count == 3, endOctet() else { return nil }
        if i < b.count {
            // The prefix after '/'.
            let rest = b.count - i - 1
            guard rest == 1 || rest == 2 else { return nil }
            var prefix = 0
            for j in (i + 1)..<b.count {
                guard b[j] >= UInt8(ascii: "0") && b[j] <= UInt8(ascii: "9") else { return nil }
                prefix = prefix * 10 + Int(b[j] - UInt8(ascii: "0"))
            }
            guard prefix <= 32, rest == 1 || b[i + 1] != UInt8(ascii: "0") else { return nil }
        }
        return Block(family: .ipv4, start: [octets[0] << 8 | octets[1], octets[2] << 8 | octets[3]])
    }

    static func address(_ text: String) -> Block? {
        if ValueFormat.isIPv4(text) {
            let octets = text.split(separator: ".").map { UInt16($0)! }
            return Block(family: .ipv4, start: [octets[0] << 8 | octets[1], octets[2] << 8 | octets[3]])
        }
        if let groups = ValueFormat.parseIPv6(text) { return Block(family: .ipv6, start: groups) }
        return nil
    }

    /// Why a text is no address.
    static func addressReason(_ text: String) -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if !text.isEmpty, text.allSatisfy({ $0.isASCIIDigit || $0 == "." }) {
            if parts.count != 4 { return "an IPv4 address has four numbers, not \(parts.count)" }
            if let high = parts.first(where: { Int($0).map { $0 > 255 } ?? false }) { return "\(high) is above 255, the most an IPv4 address's number may be" }
            return "each of an IPv4 address's four numbers is 0–255, written without leading zeros"
        }
        if text.contains(":") { return "'\(clipped(text))' is not an IPv6 address" }
        return "it is neither a policy path (starting with /) nor an IPv4 or IPv6 address, CIDR block (a.b.c.d/n) or range (a.b.c.d-a.b.c.e)"
    }

    /// Whether a block starts at 0.0.0.0.
    static func startsAtZeroIPv4(_ block: Block) -> Bool {
        block.family == .ipv4 && block.start == [0, 0]
    }
}
