/// A check in Swift that a pack names (Spectral's `then.function`): the pack says where it runs
/// (`checks` on a type, or `documentChecks` with a `given`), which of its rules it reports, and
/// its options; the function is the logic. Every code check is one of these, so a rule's logic
/// is found from its pack by searching for a name.
struct CheckFunction: Sendable {
    /// What the function is handed.
    enum Target: Sendable {
        /// An object: a type's `checks`, or a `documentChecks` entry given `objectsWith`.
        case object
        /// A member (key and value) found anywhere: `documentChecks` given `members` or `anyString`.
        case member
        /// The whole run, every file at once: a pack's `runChecks` (the rule base as NSX
        /// evaluates it, across the files that hold its policies, groups and services).
        case run
    }

    let name: String
    let summary: String
    let target: Target
    /// Every rule it may report; a pack names those it wants.
    let rules: [String]
    let options: [CheckOption]
    /// For `given: {"anyString": true}`: which string values the check is given.
    var picksString: StringPicker? = nil
    /// The check, with its options read.
    let make: @Sendable (CheckOptionValues) -> any CheckBody
}

/// A quick test on string values, made in discovery's pass over every member, so that only the
/// few values it picks are kept for a check (and masked). Strings are first told by their first
/// byte and length, so that `picks` is called for almost none.
struct StringPicker: Sendable {
    /// The bytes a picked string may start with, and its least length in bytes.
    let firstBytes: [UInt8]
    let minimumLength: Int
    let picks: @Sendable (JSONDocument, Int) -> Bool
}

/// The logic of a check function, its options already read.
protocol CheckBody: Sendable {
    /// `member` is the member the check was given (for a `.member` function), else nil.
    func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext)
}

/// The logic of a run check (`runChecks`): given every file of the run, its issues by file
/// (the index of the file in the run).
protocol RunCheckBody: CheckBody {
    func check(run: RunInput) -> [Int: [Issue]]
}

extension RunCheckBody {
    func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {}
}

/// What a run check is given: each file of the run, parsed, its objects discovered and its
/// bundle facts gathered. `context` files (`--context`) come first and get no report.
struct RunInput {
    struct File {
        var name: String
        var doc: JSONDocument
        var resources: [Resource]
        var facts: BundleFacts
    }
    var files: [File]
    var contextCount: Int
    /// Told the rule base in evaluation order (`LintOptions.ruleBaseObserver`).
    var ruleBaseObserver: (@Sendable ([EffectiveRule]) -> Void)? = nil
}

/// One option of a check function, typed: a pack's value is read strictly at load.
struct CheckOption: Sendable {
    enum Kind: Sendable {
        case string, strings
        case oneOf([String])

        var description: String {
            switch self {
            case .string: "string"
            case .strings: "list of strings"
            case .oneOf(let values): "one of " + values.map { "`\($0)`" }.joined(separator: ", ")
            }
        }
    }

    let name: String
    let kind: Kind
    let description: String
    /// nil: the pack must give it.
    let defaultValue: CheckOptionValue?
}

enum CheckOptionValue: Sendable, Equatable, CustomStringConvertible {
    case string(String), strings([String])

    /// As JSON, for the documentation.
    var description: String {
        switch self {
        case .string(let s): JSONText.quoted(s)
        case .strings(let list): "[" + list.map(JSONText.quoted).joined(separator: ", ") + "]"
        }
    }
}

/// A function's options as a pack gave them, defaults filled in. Read once, when the check is
/// made, never per object: every option is present and of its declared kind.
struct CheckOptionValues: Sendable {
    let values: [String: CheckOptionValue]
    /// The rules the pack's use names: a function that reports one rule per use (the same logic
    /// for two families of objects) reports the one named.
    var rules: [String] = []

    func string(_ name: String) -> String {
        if case .string(let s)? = values[name] { return s }
        preconditionFailure("check option '\(name)' is not a string")
    }

    func strings(_ name: String) -> [String] {
        if case .strings(let list)? = values[name] { return list }
        preconditionFailure("check option '\(name)' is not a list of strings")
    }
}

/// Where a document check runs: members or objects found anywhere in a document, in
/// discovery's one pass (no type needed: a TLS list, a credential, a list's `results`).
struct CheckGiven: Sendable {
    /// `members`: each member with one of these names; `objectsWith`: each object holding one,
    /// once.
    var names: [String]
    var perObject: Bool
    /// `anyString`: each string value the function's `picksString` picks, whose key no other
    /// document check names.
    var anyString: Bool
    /// Only members whose value is of this kind.
    var valueKind: JSONKind?
    /// The selected values are credentials: masked in every excerpt, never in a message.
    var secret: Bool
    /// A document holding a selected object is a configuration the packs check, not a
    /// `discovery/unknown-document` (TLS settings with no resource_type).
    var marksConfiguration: Bool
}

/// A pack's use of a check function, read and checked at load. A class: every object of a
/// type runs its type's checks, and a copy of this many parts was that many reference counts.
final class CheckCall: Sendable {
    let function: CheckFunction
    /// The rules this use reports: some or all of the function's.
    public let rules: [String]
    let body: any CheckBody
    let when: Predicate?
    let mode: DocumentMode?
    /// Replaces the message of each finding (only for a use that reports one rule).
    let message: String?
    /// For a document check: what it is given.
    let given: CheckGiven?
    /// False when the use names only some of the function's rules: the others are dropped.
    let reportsAllRules: Bool
    /// Where the pack names it: for errors found once every pack is loaded, and to tell one
    /// use inherited twice (through two includes) from two uses.
    let file: String
    let position: SourcePosition

    init(function: CheckFunction, rules: [String], body: any CheckBody, when: Predicate?, mode: DocumentMode?, message: String?,
         given: CheckGiven?, reportsAllRules: Bool, file: String, position: SourcePosition) {
        self.function = function; self.rules = rules; self.body = body; self.when = when; self.mode = mode; self.message = message
        self.given = given; self.reportsAllRules = reportsAllRules; self.file = file; self.position = position
    }

    /// The same use, given other members (a field marked secret joins the secret checks').
    func given(names: [String]) -> CheckCall {
        var given = given
        given?.names = names
        return CheckCall(function: function, rules: rules, body: body, when: when, mode: mode, message: message, given: given,
                         reportsAllRules: reportsAllRules, file: file, position: position)
    }

    /// Runs the check on an object (a type's, or one a document check selected).
    @inline(__always)
    func run(on object: Int, member: (key: Int, value: Int)? = nil, _ context: inout CheckContext) {
        if let mode, mode != context.mode { return }
        if let when, !context.holds(when, on: object) { return }
        let start = context.issues.count
        body.check(object: object, member: member, &context)
        guard context.issues.count > start, !reportsAllRules || message != nil else { return }
        var kept = start
        for i in start..<context.issues.count where rules.contains(context.issues[i].rule) {
            context.issues[kept] = context.issues[i]
            if let message { context.issues[kept].message = message }
            kept += 1
        }
        context.issues.removeSubrange(kept...)
    }
}

/// The run's choices a check function reads (`--tls-profile`, the configuration's `pskMinimumLength` (default 16)).
struct CheckSettings: Sendable {
    var tlsProfile: TLSProfile = .intermediate
    var pskMinimumLength = 16
}

/// Every check function a pack may name. A new one is added here, and documented by
/// `docs/rule-packs.md`'s generated section.
enum CheckFunctions {
    static let all: [CheckFunction] = [
        TLSHygiene.function,
        SecretChecks.credentialFunction,
        SecretChecks.tokenFunction,
        TimePolicyIntervals.function,
        NSXObjectChecks.pathFunction,
        NSXObjectChecks.resourceTypeFunction,
        ListChecks.function,
        SPSReferenceChecks.function,
        RulebaseAnalysis.function,
    ] + FirewallRuleChecks.all

    static let byName: [String: CheckFunction] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The section of `docs/rule-packs.md` that lists them (a test keeps it current).
    static func documentation() -> String {
        var md = ""
        for function in all.sorted(by: { $0.name < $1.name }) {
            md += "#### `\(function.name)`\n\n\(function.summary)\n\n"
            switch function.target {
            case .object: md += "- given: an object (a type's `checks`, or `documentChecks` with `objectsWith`)\n"
            case .member: md += "- given: a member (`documentChecks` with `members` or `anyString`)\n"
            case .run: md += "- given: the whole run, every file at once (a pack's `runChecks`)\n"
            }
            md += "- rules: " + function.rules.map { "`\($0)`" }.joined(separator: ", ") + "\n"
            if function.options.isEmpty {
                md += "- options: none\n"
            } else {
                md += "- options:\n"
                for option in function.options {
                    let value = option.defaultValue.map { "default `\($0)`" } ?? "required"
                    md += "  - `\(option.name)` (\(option.kind.description), \(value)): \(option.description)\n"
                }
            }
            md += "\n"
        }
        return md
    }
}
