/// Credentials in a file (catalogue section 6). Messages name the field and the value's length,
/// never its characters; excerpts mask the value (see `Linter.excerpt`). Which keys hold
/// credentials is rules/secrets.json's data: its document checks give these functions every
/// member so named, and mark them secret.
struct SecretChecks {
    static let credentialFunction = CheckFunction(
        name: "credential",
        summary: "A credential member: reported unless its value is empty or a placeholder (`********`, or a template's `{{ vault_psk }}`); a token by its key or its shape is an error, a pre-shared key shorter than the configuration's `pskMinimumLength` (default 16) a warning.",
        target: .member,
        rules: ["secret/plaintext", "secret/token", "secret/weak-psk"],
        options: [
            CheckOption(name: "tokenKeys", kind: .strings,
                        description: "keys whose values are bearer tokens or private keys (`secret/token`: anyone holding one is logged in)",
                        defaultValue: .strings([])),
            CheckOption(name: "preSharedKeys", kind: .strings,
                        description: "keys whose values are pre-shared keys, held to the configuration's `pskMinimumLength` (default 16) (`secret/weak-psk`)",
                        defaultValue: .strings([])),
        ],
        make: { options in Credential(tokenKeys: Set(options.strings("tokenKeys")), preSharedKeys: Set(options.strings("preSharedKeys"))) })

    static let tokenFunction = CheckFunction(
        name: "token-value",
        summary: "A string value that is a JSON Web Token or a private key block, whatever its key.",
        target: .member,
        rules: ["secret/token"],
        options: [],
        picksString: StringPicker(firstBytes: [UInt8(ascii: "e"), UInt8(ascii: "-")], minimumLength: 23, picks: { doc, node in looksLikeToken(doc, node) }),
        make: { _ in TokenValue() })

    struct Credential: CheckBody {
        let tokenKeys: Set<String>
        let preSharedKeys: Set<String>

        func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
            guard let (key, value) = member else { return }
            let doc = context.doc
            let name = doc.string(key)
            if doc.kind(value) == .array {
                let count = doc.count(value)
                if count > 0 { context.report("secret/plaintext", "'\(name)' holds \(count) credential\(count == 1 ? "" : "s") in plain text; keep them out of the file", key: key, value: value) }
                return
            }
            guard doc.kind(value) == .string else { return }
            let text = doc.string(value)
            let length = text.unicodeScalars.count
            // Placeholders ("", "********") are what exports print instead of a secret, and a
            // template's ("{{ vault_psk }}") is where the secret comes from at rendering.
            guard length > 0, !text.allSatisfy({ $0 == "*" || $0 == "x" || $0 == "X" }), !TemplatePlaceholder.occurs(in: text) else { return }
            if tokenKeys.contains(name) || SecretChecks.isToken(text) {
                context.report("secret/token", "'\(name)' holds \(SecretChecks.tokenKind(text)) (\(length) characters); anyone who reads the file can use it: remove it and revoke it", key: key, value: value)
                return
            }
            context.report("secret/plaintext", "'\(name)' holds a credential in plain text (\(length) characters); keep it in a vault and out of the file", key: key, value: value)
            let minimum = context.settings.pskMinimumLength
            if preSharedKeys.contains(name) && length < minimum {
                context.report("secret/weak-psk", "'\(name)' is \(length) characters long; a pre-shared key needs at least \(minimum)", at: value)
            }
        }
    }

    struct TokenValue: CheckBody {
        func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
            guard let (key, value) = member else { return }
            let doc = context.doc
            let text = doc.string(value)
            guard SecretChecks.isToken(text) else { return }
            context.report("secret/token", "'\(doc.string(key))' holds \(SecretChecks.tokenKind(text)) (\(text.unicodeScalars.count) characters); anyone who reads the file can use it: remove it and revoke it", key: key, value: value)
        }
    }

    /// A JWT or a private key block, told from the first bytes before anything is decoded:
    /// discovery asks this of every string value.
    static func looksLikeToken(_ doc: JSONDocument, _ node: Int) -> Bool {
        let r = doc.range(node)
        guard r.count > 24 else { return false }
        let b = doc.bytes
        let s = r.lowerBound + 1
        if b[s] == UInt8(ascii: "e") && b[s + 1] == UInt8(ascii: "y") && b[s + 2] == UInt8(ascii: "J") {
            return doc.string(node).split(separator: ".").count == 3
        }
        if b[s] == UInt8(ascii: "-") { return doc.string(node).contains("PRIVATE KEY-----") }
        return false
    }

    static func isToken(_ text: String) -> Bool {
        (text.hasPrefix("eyJ") && text.split(separator: ".").count == 3) || (text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----"))
    }

    static func tokenKind(_ text: String) -> String {
        if text.hasPrefix("eyJ") { return "a JSON Web Token" }
        if text.contains("PRIVATE KEY-----") { return "a private key" }
        return "a bearer token"
    }
}
