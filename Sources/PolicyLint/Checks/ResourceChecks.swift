/// A check in code, for what a pack's data cannot say well (intervals in order, lists that
/// must agree). It runs on every object discovered as one of `typeNames`.
protocol ResourceCheck: Sendable {
    var typeNames: Set<String> { get }
    func check(_ object: Int, _ context: inout CheckContext)
}

/// Every code check. Add a new one here.
let resourceChecks: [any ResourceCheck] = [TimePolicyIntervals()]
