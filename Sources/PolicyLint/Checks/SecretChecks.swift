/// Credentials in a file (catalogue section 6). Messages name the field and the value's length,
/// never its characters; excerpts mask the value (see `Linter.excerpt`).
struct SecretChecks {
    let pskMinimumLength: Int
    /// Keys whose values are bearer tokens or session ids: an error, as anyone holding them is logged in.
    static let tokenKeys: Set<String> = ["access_token", "refresh_token", "id_token", "session_id", "jsessionid", "private_key"]

    func check(key: Int, value: Int, _ context: inout CheckContext) {
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
        // Placeholders ("", "********") are what exports print instead of a secret.
        guard length > 0, !text.allSatisfy({ $0 == "*" || $0 == "x" || $0 == "X" }) else { return }
        if Self.tokenKeys.contains(name) || isToken(text) {
            context.report("secret/token", "'\(name)' holds \(tokenKind(text)) (\(length) characters); anyone who reads the file can use it: remove it and revoke it", key: key, value: value)
            return
        }
        context.report("secret/plaintext", "'\(name)' holds a credential in plain text (\(length) characters); keep it in a vault and out of the file", key: key, value: value)
        if name == "psk" && length < pskMinimumLength {
            context.report("secret/weak-psk", "'psk' is \(length) characters long; a pre-shared key needs at least \(pskMinimumLength)", at: value)
        }
    }

    /// A value that is a token whatever its key: a JWT or a private key block.
    func checkValue(key: Int, value: Int, _ context: inout CheckContext) {
        let doc = context.doc
        let text = doc.string(value)
        guard isToken(text) else { return }
        context.report("secret/token", "'\(doc.string(key))' holds \(tokenKind(text)) (\(text.unicodeScalars.count) characters); anyone who reads the file can use it: remove it and revoke it", key: key, value: value)
    }

    func isToken(_ text: String) -> Bool {
        (text.hasPrefix("eyJ") && text.split(separator: ".").count == 3) || (text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----"))
    }

    func tokenKind(_ text: String) -> String {
        if text.hasPrefix("eyJ") { return "a JSON Web Token" }
        if text.contains("PRIVATE KEY-----") { return "a private key" }
        return "a bearer token"
    }
}
