/// `{"key": K, "meta": {"href": ".../K"}}`: an SPS object or a reference to one, wherever it
/// sits (rules/core.json gives this every object holding a `meta` object).
struct SPSReferenceChecks: CheckBody {
    static let function = CheckFunction(
        name: "href-ends-with-key",
        summary: "An object with a string `key` and a `meta.href` (an SPS object or a reference to one, not an NSX object with a `resource_type`): the href's last segment is the key.",
        target: .object,
        rules: ["xref/href-key-mismatch"],
        options: [],
        make: { _ in SPSReferenceChecks() })

    func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
        let doc = context.doc
        var key: Int?, meta: Int?
        for (k, v) in doc.members(object) {
            if doc.kind(v) == .string, doc.rawStringIs(k, "resource_type") { return }
            if doc.rawStringIs(k, "key") { key = v }
            else if doc.kind(v) == .object, doc.rawStringIs(k, "meta") { meta = v }
        }
        guard let key, doc.kind(key) == .string, let meta, let href = doc.member(meta, "href"), doc.kind(href) == .string else { return }
        let hrefText = doc.string(href)
        let last = hrefText.split(separator: "/").last.map(String.init) ?? ""
        let keyText = doc.string(key)
        if last != keyText {
            context.report("xref/href-key-mismatch", "meta.href ends with '\(last)' but the key is '\(keyText)'; they must name the same object", at: href)
        }
    }
}
