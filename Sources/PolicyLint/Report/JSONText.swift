/// Writes JSON text for the reporters: keys in the order given, strings escaped so that no
/// control character or escape sequence from an input survives raw.
struct JSONText {
    private(set) var text = ""
    private var needsComma: [Bool] = [false]
    private let indentUnit: String
    private var pendingKey = false

    init(pretty: Bool = true) { indentUnit = pretty ? "  " : "" }

    private var newline: String { indentUnit.isEmpty ? "" : "\n" + String(repeating: indentUnit, count: needsComma.count - 1) }

    private mutating func beforeValue() {
        if pendingKey { pendingKey = false; return }
        if needsComma[needsComma.count - 1] { text += "," }
        if needsComma.count > 1 { text += newline }
        needsComma[needsComma.count - 1] = true
    }

    mutating func key(_ name: String) {
        beforeValue()
        text += Self.quoted(name) + (indentUnit.isEmpty ? ":" : ": ")
        pendingKey = true
    }

    mutating func open(_ bracket: String) { beforeValue(); text += bracket; needsComma.append(false) }
    mutating func close(_ bracket: String) {
        let hadItems = needsComma.removeLast()
        if hadItems { text += newline }
        text += bracket
    }
    mutating func object(_ body: (inout JSONText) -> Void) { open("{"); body(&self); close("}") }
    mutating func array(_ body: (inout JSONText) -> Void) { open("["); body(&self); close("]") }

    mutating func string(_ value: String) { beforeValue(); text += Self.quoted(value) }
    mutating func int(_ value: Int) { beforeValue(); text += String(value) }
    /// A whole number without a fraction (`5`, not `5.0`); a value JSON cannot write is null.
    mutating func number(_ value: Double) {
        guard value.isFinite else { return null() }
        beforeValue()
        text += value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
    mutating func bool(_ value: Bool) { beforeValue(); text += value ? "true" : "false" }
    mutating func null() { beforeValue(); text += "null" }

    mutating func field(_ name: String, _ value: String) { key(name); string(value) }
    mutating func field(_ name: String, _ value: Int) { key(name); int(value) }

    static func quoted(_ s: String) -> String {
        // Most strings (rule ids, messages, paths) need no escape: one scan of the bytes, and
        // they are copied whole. The others are escaped byte by byte (a valid String's UTF-8 shows
        // every scalar that needs an escape by its bytes); appending scalar by scalar to a String
        // made SARIF's rule metadata half the time of linting a small file.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
        var text = s
        return text.withUTF8 { b in
            // Written through a pointer into a buffer of the largest size (each byte may become
            // a six-byte \\u escape): appends to a captured array were slower than the scalars.
            let hexDigits: StaticString = "0123456789abcdef"
            return String(unsafeUninitializedCapacity: b.count * 6 + 2) { out in
                var o = 0
                func put(_ byte: UInt8) { out[o] = byte; o += 1 }
                func escape(_ scalar: UInt32) {
                    put(UInt8(ascii: "\\")); put(UInt8(ascii: "u"))
                    for shift in [12, 8, 4, 0] { put(hexDigits.utf8Start[Int(scalar >> UInt32(shift) & 0xF)]) }
                }
                put(UInt8(ascii: "\""))
                var i = 0
                while i < b.count {
                    let c = b[i]
                    switch c {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): put(UInt8(ascii: "\\")); put(c)
                    case 0x0A: put(UInt8(ascii: "\\")); put(UInt8(ascii: "n"))
                    case 0x0D: put(UInt8(ascii: "\\")); put(UInt8(ascii: "r"))
                    case 0x09: put(UInt8(ascii: "\\")); put(UInt8(ascii: "t"))
                    case 0..<0x20, 0x7F: escape(UInt32(c))
                    // C1 controls U+0080–U+009F are C2 80–C2 9F in UTF-8.
                    case 0xC2 where i + 1 < b.count && b[i + 1] <= 0x9F:
                        escape(UInt32(b[i + 1])); i += 1
                    // Bidi controls U+200E/F, U+202A–E (E2 80 xx) and U+2066–9 (E2 81 xx).
                    case 0xE2 where i + 2 < b.count:
                        let scalar = UInt32(c & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F)
                        if let s = Unicode.Scalar(scalar), isBidiControl(s) { escape(scalar); i += 2 } else { put(c) }
                    default: put(c)
                    }
                    i += 1
                }
                put(UInt8(ascii: "\""))
                return o
            }
        }
    }
}

/// Unicode bidirectional controls can reorder what a terminal shows ("Trojan Source").
func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
    default: return false
    }
}

/// Text safe for a terminal or a log: control characters (ESC among them), DEL, C1 controls
/// and bidi controls become visible `\u{…}` escapes; a tab becomes one space so that carets
/// stay aligned.
public func terminalSafe(_ s: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in s.unicodeScalars {
        if scalar == "\t" { out.append(" "); continue }
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || isBidiControl(scalar) {
            out.append(contentsOf: "\\u{\(hex(scalar.value, width: 2))}".unicodeScalars)
        } else {
            out.append(scalar)
        }
    }
    return String(out)
}

/// `terminalSafe` line by line, for text whose line breaks are its own (a rule's documentation
/// from a pack): a carriage return or an escape sequence inside a line is still shown escaped.
public func terminalSafeLines(_ s: String) -> String {
    s.split(separator: "\n", omittingEmptySubsequences: false).map { terminalSafe(String($0)) }.joined(separator: "\n")
}
