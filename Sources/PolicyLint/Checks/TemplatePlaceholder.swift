/// Values not known until a template is rendered: Jinja2 and Ansible (`{{ item.id }}`,
/// `{% … %}`), Postman (`{{Tier1-failover_mode}}`) and shell or Terraform-style (`${var}`)
/// placeholders inside a JSON string. Eight of 37 real public NSX files are such templates, so a
/// string holding one is opaque: no enum, format, pattern, length or reference finding is made
/// about it (the rendered file is what the appliance will judge), and a string that is nothing
/// but a placeholder may stand for a value of any type.
enum TemplatePlaceholder {
    /// Whether the text holds a placeholder anywhere. Asked only once a check has failed, so
    /// valid values cost nothing.
    static func occurs(in text: String) -> Bool {
        let bytes = Array(text.utf8)
        var i = 0
        while i + 1 < bytes.count {
            let (a, b) = (bytes[i], bytes[i + 1])
            if a == UInt8(ascii: "{"), b == UInt8(ascii: "{") || b == UInt8(ascii: "%"), closes(bytes, from: i + 2, with: b == UInt8(ascii: "{") ? "}}" : "%}") { return true }
            if a == UInt8(ascii: "$"), b == UInt8(ascii: "{"), closes(bytes, from: i + 2, with: "}") { return true }
            i += 1
        }
        return false
    }

    /// Whether the whole text, but for surrounding spaces, is one placeholder (`"{{ enabled }}"`).
    static func isWhole(_ text: String) -> Bool {
        var trimmed = Substring(text)
        while trimmed.first == " " { trimmed = trimmed.dropFirst() }
        while trimmed.last == " " { trimmed = trimmed.dropLast() }
        guard occurs(in: String(trimmed)) else { return false }
        return (trimmed.hasPrefix("{{") && trimmed.hasSuffix("}}") && !trimmed.dropFirst(2).dropLast(2).contains("}}"))
            || (trimmed.hasPrefix("${") && trimmed.hasSuffix("}") && !trimmed.dropFirst(2).dropLast().contains("}"))
    }

    private static func closes(_ bytes: [UInt8], from start: Int, with closer: String) -> Bool {
        let close = Array(closer.utf8)
        var i = start
        while i + close.count <= bytes.count {
            if Array(bytes[i..<i + close.count]) == close { return true }
            i += 1
        }
        return false
    }
}
