/// The string formats a field can require. Each is checked by hand: they are small, and a
/// regular expression per value would be slow on large exports.
enum ValueFormat: String, Sendable, CaseIterable {
    case ipv4, ipv6, ip
    /// An IPv4 address or IPv4 CIDR block.
    case ipv4Network = "ipv4-network"
    /// An IPv4 CIDR block `a.b.c.d/n`.
    case ipv4Cidr = "ipv4-cidr"
    /// An IPv4/IPv6 address or network, a host name, or a `*.example.com` wildcard (SPS `allowed_for`).
    case hostOrNetwork = "host-or-network"
    case hostname
    case uuid
    /// An http or https URL.
    case url
    case httpsURL = "https-url"
    /// RFC 3339 date-time.
    case dateTime = "date-time"
    /// A dotted numeric object identifier, e.g. 1.2.3.4.
    case oid
    /// `H:MM` or `HH:MM` within 0:00–23:59.
    case clockTime = "clock-time"
    case pemCertificate = "pem-certificate"
    case sha256Hex = "sha256-hex"
    /// Anything that is not an IPv6 address, or an IPv6 address (or network) in RFC 5952
    /// canonical form.
    case canonicalIPv6 = "canonical-ipv6"

    /// What a valid value looks like, for messages.
    public var expectation: String {
        switch self {
        case .ipv4: "an IPv4 address such as 192.0.2.10"
        case .ipv6: "an IPv6 address"
        case .ip: "an IPv4 or IPv6 address"
        case .ipv4Network: "an IPv4 address or CIDR block such as 192.0.2.0/24"
        case .ipv4Cidr: "an IPv4 CIDR block such as 192.0.2.0/24"
        case .hostOrNetwork: "an IP address or network, a host name, or a *.example.com wildcard"
        case .hostname: "a host name"
        case .uuid: "a UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6"
        case .url: "an http or https URL"
        case .httpsURL: "an https URL"
        case .dateTime: "an RFC 3339 date-time such as 2024-01-25T22:06:36Z"
        case .oid: "a dotted numeric OID such as 1.3.6.1.4.1"
        case .clockTime: "a time H:MM or HH:MM between 0:00 and 23:59"
        case .pemCertificate: "a PEM certificate (-----BEGIN CERTIFICATE-----, base64, -----END CERTIFICATE-----)"
        case .sha256Hex: "64 hexadecimal characters (a SHA-256 digest)"
        case .canonicalIPv6: "an IPv6 address in canonical form (RFC 5952: lower case, no leading zeros, :: for the longest run of zeros)"
        }
    }

    public func accepts(_ value: String) -> Bool {
        switch self {
        case .ipv4: return Self.isIPv4(value)
        case .ipv6: return Self.isIPv6(value)
        case .ip: return Self.isIPv4(value) || Self.isIPv6(value)
        case .ipv4Cidr: return Self.isCIDR(value, v6: false)
        case .ipv4Network: return Self.isIPv4(value) || Self.isCIDR(value, v6: false)
        case .hostOrNetwork:
            return Self.isIPv4(value) || Self.isIPv6(value) || Self.isCIDR(value, v6: false) || Self.isCIDR(value, v6: true)
                || Self.isHostname(value)
                || (value.hasPrefix("*.") && Self.isHostname(String(value.dropFirst(2))))
        case .hostname: return Self.isHostname(value)
        case .uuid: return Self.isUUID(value)
        case .url: return Self.isURL(value, schemes: ["http://", "https://"])
        case .httpsURL: return Self.isURL(value, schemes: ["https://"])
        case .dateTime: return Self.isDateTime(value)
        case .oid:
            let arcs = value.split(separator: ".", omittingEmptySubsequences: false)
            return arcs.count >= 2 && arcs.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
        case .clockTime: return Self.isClockTime(value)
        case .pemCertificate: return Self.isPEMCertificate(value)
        case .sha256Hex: return value.utf8.count == 64 && value.allSatisfy(\.isHexDigit)
        case .canonicalIPv6:
            let address = value.split(separator: "/", maxSplits: 1).first.map(String.init) ?? value
            guard let canonical = Self.canonicalIPv6(address) else { return true }
            return canonical == address
        }
    }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigit), let v = Int(part) else { return false }
            return v <= 255 && (part.count == 1 || part.first != "0")
        }
    }

    static func isIPv6(_ s: String) -> Bool { parseIPv6(s) != nil }

    /// The eight 16-bit groups of an IPv6 address, or nil when it is not one.
    static func parseIPv6(_ s: String) -> [UInt16]? {
        guard s.contains(":"), s.utf8.count <= 45 else { return nil }
        var text = Substring(s)
        var tail: [UInt16] = []
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            let v4 = text[text.index(after: lastColon)...]
            guard isIPv4(String(v4)) else { return nil }
            let octets = v4.split(separator: ".").compactMap { UInt16($0) }
            tail = [octets[0] << 8 | octets[1], octets[2] << 8 | octets[3]]
            text = text[...lastColon]
            if text.hasSuffix("::") { } else { text = text.dropLast() }
        }
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for g in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(g.count), let v = UInt16(g, radix: 16) else { return nil }
                result.append(v)
            }
            return result
        }
        let halves = text.components(separatedBy: "::")
        if halves.count == 1 {
            guard let all = groups(text), all.count + tail.count == 8 else { return nil }
            return all + tail
        }
        guard halves.count == 2, let head = groups(halves[0]), let rest = groups(halves[1]) else { return nil }
        let missing = 8 - head.count - rest.count - tail.count
        guard missing >= 1 else { return nil }
        return head + Array(repeating: 0, count: missing) + rest + tail
    }

    /// RFC 5952 canonical text of an IPv6 address: lower case, no leading zeros, the longest
    /// run of two or more zero groups shortened to `::`.
    static func canonicalIPv6(_ s: String) -> String? {
        guard let groups = parseIPv6(s) else { return nil }
        var bestStart = -1, bestLength = 0, i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8 && groups[j] == 0 { j += 1 }
                if j - i > bestLength && j - i >= 2 { bestStart = i; bestLength = j - i }
                i = j
            } else { i += 1 }
        }
        let hexGroups = groups.map { String($0, radix: 16) }
        if bestStart < 0 { return hexGroups.joined(separator: ":") }
        return hexGroups[..<bestStart].joined(separator: ":") + "::" + hexGroups[(bestStart + bestLength)...].joined(separator: ":")
    }

    static func isCIDR(_ s: String, v6: Bool) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...3).contains(parts[1].count), parts[1].allSatisfy(\.isASCIIDigit),
              let prefix = Int(parts[1]) else { return false }
        return v6 ? isIPv6(String(parts[0])) && prefix <= 128 : isIPv4(String(parts[0])) && prefix <= 32
    }

    static func isHostname(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253, !isIPv4Like(s) else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// Four dotted numbers that are not a valid address are a broken address, not a host name.
    static func isIPv4Like(_ s: String) -> Bool {
        s.allSatisfy { $0.isASCIIDigit || $0 == "." }
    }

    static func isUUID(_ s: String) -> Bool {
        let groups = s.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    static func isURL(_ s: String, schemes: [String]) -> Bool {
        guard let scheme = schemes.first(where: { s.lowercased().hasPrefix($0) }) else { return false }
        let rest = s.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !s.contains(where: { $0 == " " || $0.asciiValue.map { $0 < 0x20 } == true }) else { return false }
        var host = authority.split(separator: "@").last.map(String.init) ?? ""
        if host.hasPrefix("[") { return host.contains("]") }
        if let colon = host.lastIndex(of: ":") {
            guard host[host.index(after: colon)...].allSatisfy(\.isASCIIDigit) else { return false }
            host = String(host[..<colon])
        }
        return isIPv4(host) || isHostname(host)
    }

    static func isDateTime(_ s: String) -> Bool {
        let c = Array(s.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= c.count else { return nil }
            var v = 0
            for i in range { guard c[i] >= 48 && c[i] <= 57 else { return nil }; v = v * 10 + Int(c[i] - 48) }
            return v
        }
        guard c.count >= 20, let _ = digits(0..<4), c[4] == 45, let month = digits(5..<7), c[7] == 45,
              let day = digits(8..<10), c[10] | 0x20 == UInt8(ascii: "t"), let hour = digits(11..<13), c[13] == 58,
              let minute = digits(14..<16), c[16] == 58, let second = digits(17..<19) else { return false }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else { return false }
        var i = 19
        if c[i] == UInt8(ascii: ".") {
            i += 1
            let from = i
            while i < c.count && c[i] >= 48 && c[i] <= 57 { i += 1 }
            guard i > from else { return false }
        }
        guard i < c.count else { return false }
        if c[i] | 0x20 == UInt8(ascii: "z") { return i + 1 == c.count }
        guard c[i] == 43 || c[i] == 45, i + 6 == c.count, let oh = digits(i + 1..<i + 3), c[i + 3] == 58,
              let om = digits(i + 4..<i + 6) else { return false }
        return oh < 24 && om < 60
    }

    static func isClockTime(_ s: String) -> Bool {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts[0].allSatisfy(\.isASCIIDigit), parts[1].allSatisfy(\.isASCIIDigit),
              let h = Int(parts[0]), let m = Int(parts[1]) else { return false }
        return h <= 23 && m <= 59
    }

    /// Minutes since midnight of a valid clock time.
    static func minutes(_ s: String) -> Int? {
        guard isClockTime(s) else { return nil }
        let parts = s.split(separator: ":")
        return Int(parts[0])! * 60 + Int(parts[1])!
    }

    static func isPEMCertificate(_ s: String) -> Bool {
        let begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----"
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(begin), trimmed.hasSuffix(end), trimmed.count > begin.count + end.count else { return false }
        let body = trimmed.dropFirst(begin.count).dropLast(end.count)
        // isNewline, not "\r\n".contains: in Swift "\r\n" is one Character, so neither a lone "\n"
        // (the form SPS asks for) nor a CRLF line break would match the other form.
        guard body.contains(where: \.isNewline) else { return false }
        return body.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0) || $0.isNewline) }
            && body.contains(where: { $0.isLetter || $0.isNumber })
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    /// Splits on a multi-character separator (the standard library has no such `split`).
    func components(separatedBy separator: String) -> [Substring] {
        var parts: [Substring] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            parts.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        parts.append(rest)
        return parts
    }

    func trimmingCharacters(in set: WhitespaceSet) -> Substring {
        let s = Substring(self)
        guard let first = s.firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = s.lastIndex(where: { !$0.isWhitespace })!
        return s[first...last]
    }
}

enum WhitespaceSet { case whitespacesAndNewlines }
