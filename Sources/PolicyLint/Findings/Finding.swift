/// How much a finding matters. `error`: the appliance would reject it, or it is insecure;
/// `warning`: accepted but wrong, risky or deprecated; `note`: worth knowing in an audit.
public enum Level: String, Sendable, Comparable, CaseIterable, Codable {
    case note, warning, error

    var rank: Int { switch self { case .note: 0; case .warning: 1; case .error: 2 } }
    public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
}

/// The line of source shown under a finding, already cut to a readable window, with secrets
/// masked. Control characters are escaped by the text reporter, not here.
public struct Excerpt: Sendable, Equatable {
    public var text: String
    /// 1-based column of the caret within `text`, and how many columns it underlines.
    public var caretColumn: Int
    public var caretLength: Int
}

/// One problem found in one file. A plain value: the library never prints.
public struct Finding: Sendable {
    public var ruleID: String
    public var level: Level
    public var message: String
    /// The path as given on the command line (or `--stdin-filename`).
    public var file: String
    /// RFC 6901 pointer to the offending value (the object, for a missing field).
    public var pointer: String
    public var start: SourcePosition
    public var end: SourcePosition
    public var byteRange: Range<Int>
    public var excerpt: Excerpt?
    /// A stable hash of the offending value (secrets hashed, never shown), for baselines and
    /// SARIF fingerprints that survive moved lines.
    public var valueHash: String
    /// Set when an ignore in the configuration covers the finding: kept, not deleted, so SARIF
    /// can carry it as suppressed; it never counts towards the exit code.
    public var suppression: Suppression?
    /// A safe fix, when the rule has one.
    public var fix: Fix?
    /// Other places the finding names, in this file or another of the run (the rules that
    /// shadow a rule), carried as SARIF `relatedLocations`.
    public var related: [RelatedLocation] = []

    init(ruleID: String, level: Level, message: String, file: String, pointer: String,
                start: SourcePosition, end: SourcePosition, byteRange: Range<Int>,
                excerpt: Excerpt? = nil, valueHash: String = "") {
        self.ruleID = ruleID; self.level = level; self.message = message; self.file = file
        self.pointer = pointer; self.start = start; self.end = end; self.byteRange = byteRange
        self.excerpt = excerpt; self.valueHash = valueHash
    }

    /// Findings sort by file, then position, then rule: the order every report uses.
    static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.file != b.file { return a.file < b.file }
        if a.start != b.start { return a.start < b.start }
        return a.ruleID < b.ruleID
    }
}

/// A place a finding names besides its own: a file of the run, a position, and what is there.
public struct RelatedLocation: Sendable, Equatable {
    public var file: String
    public var start: SourcePosition
    public var end: SourcePosition
    public var message: String
    /// The pointer to the object there.
    public var pointer: String

    public init(file: String, start: SourcePosition, end: SourcePosition, message: String, pointer: String = "") {
        self.file = file; self.start = start; self.end = end; self.message = message; self.pointer = pointer
    }
}

/// One rule of the firewall rule base as NSX evaluates it, for the audit report's effective rule
/// base: the distributed firewall's and each gateway's rules, in evaluation order across files.
public struct EffectiveRule: Sendable {
    public var file: String
    public var start: SourcePosition
    /// "Application", "Gateway LocalGatewayRules", "no category".
    public var category: String
    public var policy: String
    public var name: String
    /// The rule's sequence number as written (the policy's, before it).
    public var policySequence: String
    public var sequence: String
    public var action: String
    /// NSX's own rule, or the default rule a policy's connectivity_preference adds.
    public var system: Bool
}

/// RFC 6901 escaping of one reference token.
func jsonPointerToken(_ key: String) -> String {
    guard key.contains("~") || key.contains("/") else { return key }
    return key.replacing("~", with: "~0").replacing("/", with: "~1")
}
