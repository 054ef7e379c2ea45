/// An NSX list (a GET of a collection): was it exported whole? rules/core.json gives this every
/// object holding a `results` list.
struct ListChecks: CheckBody {
    static let function = CheckFunction(
        name: "list-complete",
        summary: "A list object (`results`) is one whole export: no `cursor` to a further page, and a `result_count` equal to the number of results.",
        target: .object,
        rules: ["export/paginated", "export/result-count-mismatch"],
        options: [],
        make: { _ in ListChecks() })

    func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
        let doc = context.doc
        var results: Int?, cursor: Int?, count: Int?
        for (k, v) in doc.members(object) {
            if doc.kind(v) == .array, doc.rawStringIs(k, "results") { results = v }
            else if doc.rawStringIs(k, "cursor") { cursor = v }
            else if doc.rawStringIs(k, "result_count") { count = v }
        }
        guard let results else { return }
        if let cursor, doc.kind(cursor) == .string, !context.isEmpty(cursor) {
            context.report("export/paginated", "the list has a cursor: this is one page of a longer list, and objects on other pages were not checked", at: cursor)
            return
        }
        if let count, let expected = doc.double(count) {
            let actual = doc.count(results)
            if Double(actual) != expected {
                context.report("export/result-count-mismatch", "result_count says \(doc.numberText(count)) but the list holds \(actual) results: the export is incomplete or edited", at: count)
            }
        }
    }
}
