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
    mutating func bool(_ value: Bool) { beforeValue(); text += value ? "true" : "false" }

    mutating func field(_ name: String, _ value: String) { key(name); string(value) }
    mutating func field(_ name: String, _ value: Int) { key(name); int(value) }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || isBidiControl(scalar):
                out += "\\u" + hex(scalar.value, width: 4).lowercased()
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
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
