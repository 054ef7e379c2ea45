/// SPS time policy: every `["H:MM", "H:MM"]` interval of a day must start before it ends
/// (catalogue section 3, "SPS time policy"). The pack checks each value's shape and format;
/// comparing two values needs code.
struct TimePolicyIntervals: CheckBody {
    let days: [String]

    static let function = CheckFunction(
        name: "time-intervals-in-order",
        summary: "Each `[start, end]` pair of `H:MM` times in the day lists starts before it ends; pairs of another shape are left to the schema.",
        target: .object,
        rules: ["sps/time-interval-order"],
        options: [
            CheckOption(name: "days", kind: .strings, description: "the fields holding a day's list of intervals, as messages name the day", defaultValue: nil),
        ],
        make: { options in TimePolicyIntervals(days: options.strings("days")) })

    func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
        let doc = context.doc
        guard doc.kind(object) == .object else { return }
        for day in days {
            guard let intervals = doc.member(object, day), doc.kind(intervals) == .array else { continue }
            for interval in doc.elements(intervals) where doc.kind(interval) == .array {
                let ends = Array(doc.elements(interval))
                // Wrong counts and malformed times are schema findings already: compare only valid pairs.
                guard ends.count == 2, let startText = doc.stringValue(ends[0]), let endText = doc.stringValue(ends[1]),
                      let start = ValueFormat.minutes(startText), let end = ValueFormat.minutes(endText), start >= end else { continue }
                let what = start == end ? "starts and ends at the same time, so it is empty" : "ends before it starts"
                context.report("sps/time-interval-order",
                               "the \(day) interval \(startText)–\(endText) \(what); write the start time first and the end time second",
                               at: interval)
            }
        }
    }
}
