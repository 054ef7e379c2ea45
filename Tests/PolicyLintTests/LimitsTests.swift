import Foundation
import Testing
@testable import PolicyLint

/// Inputs at the limits, through the whole engine (parse, discovery, schema checks, bundle
/// facts, placing with pointers and excerpts) and, for files and folders, the command line:
/// nothing crashes, hangs or prints what it should not.
@Suite("Limits", .serialized)
struct LimitsTests {
    static let depth = 1_000_000

    func lint(_ bytes: [UInt8], options: LintOptions = LintOptions(), rules: RuleSet = builtInRules) -> FileReport {
        Linter(ruleSet: rules, options: options).lint(file: "limits.json", bytes: bytes)
    }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func repeated(_ text: String, _ count: Int) -> [UInt8] {
        let unit = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(unit.count * count)
        for _ in 0..<count { out += unit }
        return out
    }

    // MARK: nesting

    @Test func aMillionNestedArraysGoThroughTheWholeEngine() {
        let report = lint(repeated("[", Self.depth) + repeated("]", Self.depth))
        #expect(!report.findings.contains { $0.ruleID.hasPrefix("json/") })
        #expect(report.findings.contains { $0.ruleID == "discovery/unknown-document" })
    }

    @Test func aMillionNestedObjectsGoThroughTheWholeEngine() {
        // Every level is an object, so discovery, the duplicate-key check and the bundle facts
        // visit a million objects.
        let report = lint(repeated(#"{"a":"#, Self.depth) + bytes("{}") + repeated("}", Self.depth))
        #expect(!report.findings.contains { $0.ruleID.hasPrefix("json/") })
    }

    @Test func aSyntaxErrorAMillionLevelsDownHasItsFullPointer() throws {
        // The finding's pointer names all million levels, built without recursion.
        let report = lint(repeated(#"{"a":["#, Self.depth) + bytes("01"))
        let syntax = try #require(report.findings.first { $0.ruleID == "json/syntax" })
        #expect(syntax.message.contains("leading zeros"))
        #expect(syntax.pointer.utf8.count == Self.depth * 4 - 2, "/a/0 a million times, less the innermost /0")
        #expect(syntax.pointer.hasPrefix("/a/0/a/0"))
    }

    @Test func aMillionUnclosedLevelsEndInOneFinding() {
        let report = lint(repeated("[", Self.depth))
        let json = report.findings.filter { $0.ruleID == "json/syntax" }
        #expect(json.count == 1)
        #expect(json.first?.message.contains("unexpected end of input") == true)
    }

    @Test func deepNSXChildrenAreCheckedWithoutRecursion() throws {
        // Infra → ChildDomain → Domain → children → ChildDomain → …: every Domain is a resource of
        // its own; the innermost one carries a wrong field type, and it is found. 200,000 levels
        // (18 MB) are far beyond any stack a recursive walk could use, and keep the test quick;
        // before derived H-API paths were bounded, 100,000 levels took 12 GB.
        let levels = 200_000
        var text = repeated(#"{"resource_type":"ChildDomain","Domain":{"resource_type":"Domain","id":"d","children":["#, levels)
        text += bytes(#"{"resource_type":"ChildDomain","Domain":{"resource_type":"Domain","id":"d","display_name":42}}"#)
        text += repeated("]}}", levels)
        let report = lint(bytes(#"{"resource_type":"Infra","children":["#) + text + bytes("]}"))
        #expect(!report.findings.contains { $0.ruleID.hasPrefix("json/") })
        #expect(report.checkedTypes["Domain", default: 0] + report.uncheckedTypes["Domain", default: 0] == levels + 1)
        #expect(report.findings.contains { $0.ruleID == "schema/type" && $0.message.contains("display_name") })
    }

    @Test func aPackTypeThatContainsItselfIsCheckedAMillionLevelsDeep() throws {
        // The schema checker follows member types; a custom type may name itself, and the
        // document decides how deep that goes.
        let pack = try RulePackLoader.load(file: "tree.json", bytes: bytes(#"""
            {"pack": "tree", "types": [{"name": "tree.Node", "closed": true, "fields": {
              "name": {"type": "string", "maxLength": 8},
              "child": {"type": "object", "member": "tree.Node"},
              "children": {"type": "array", "items": {"type": "object", "member": "tree.Node"}}}}]}
            """#))
        let rules = try RuleSet(packs: try RuleSet.builtInPacks() + [pack])
        var options = LintOptions(kind: "tree.Node")
        options.mode = .authored
        let half = Self.depth / 2
        let text = repeated(#"{"child":"#, half) + repeated(#"{"children":["#, half)
            + bytes(#"{"nme": "leaf"}"#) + repeated("]}", half) + repeated("}", half)
        let report = lint(text, options: options, rules: rules)
        #expect(!report.findings.contains { $0.ruleID.hasPrefix("json/") })
        let unknown = try #require(report.findings.first { $0.ruleID == "schema/unknown-field" })
        #expect(unknown.message.contains("did you mean 'name'?"))
        #expect(unknown.pointer.hasSuffix("/children/0/nme"))
    }

    // MARK: big values

    @Test func aTenMegabyteStringIsReportedInAShortMessageAndExcerpt() throws {
        let huge = String(repeating: "x", count: 10_000_000)
        let report = lint(bytes(#"{"resource_type": "SecurityPolicy", "display_name": "\#(huge)", "category": "\#(huge)"}"#))
        #expect(!report.findings.contains { $0.ruleID.hasPrefix("json/") })
        let length = try #require(report.findings.first { $0.ruleID == "schema/length" })
        #expect(length.message.contains("10000000 characters long"))
        let enumFinding = try #require(report.findings.first { $0.ruleID == "schema/enum" })
        for finding in report.findings {
            #expect(finding.message.count < 2_100, "\(finding.ruleID): \(finding.message.prefix(200))")
            #expect((finding.excerpt?.text.count ?? 0) < 400)
        }
        #expect(enumFinding.message.contains("…"))
    }

    @Test func aTenMegabyteKeyIsNamedShortlyAndNotComparedWithEveryField() throws {
        // An unknown key of a closed type gets a did-you-mean; a 10 MB key must not be compared
        // character by character with every field name (minutes), nor quoted whole.
        let huge = String(repeating: "k", count: 10_000_000)
        let body = #"{"resource_type": "SecurityPolicy", "\#(huge)": 1, "\#(huge)": 2}"#
        let started = ContinuousClock.now
        let report = lint(bytes(body))
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(!report.findings.contains { $0.ruleID.hasPrefix("json/syntax") })
        for finding in report.findings { #expect(finding.message.count < 2_100, "\(finding.ruleID)") }
        #expect(report.findings.contains { $0.ruleID == "json/duplicate-key" })
        #expect(report.findings.contains { $0.ruleID == "schema/unknown-field" && $0.message.contains("kkk…' is not a field of SecurityPolicy") })
    }

    @Test func aTenMegabyteStringOfEscapesDecodes() throws {
        let report = lint(repeated(#"\u00e9"#, 1_700_000).withQuotes)
        #expect(!report.findings.contains { $0.ruleID.hasPrefix("json/") })
        let doc = JSONParser.parse(repeated(#"\u00e9\ud83d\ude00"#, 10).withQuotes)
        #expect(doc.string(0) == String(repeating: "é😀", count: 10))
    }

    @Test("numbers beyond 64 bits are findings for their field, not crashes",
          arguments: [("123456789012345678901234567890", "nsx/sequence-range"), ("9223372036854775808", "nsx/sequence-range"),
                      ("-9223372036854775809", "nsx/sequence-range"), ("1e400", "schema/type"), ("-1e400", "schema/type")])
    func numberBeyond64Bits(_ number: String, _ rule: String) throws {
        // sequence_number is an integer from 0 to 999,999: too big is out of its range, and a
        // number with an exponent (even one that is +infinity as a Double) is not an integer.
        let report = lint(bytes(#"{"resource_type": "SecurityPolicy", "sequence_number": \#(number)}"#))
        #expect(!report.findings.contains { $0.ruleID.hasPrefix("json/") })
        let finding = try #require(report.findings.first { $0.ruleID == rule })
        #expect(finding.message.contains(number))
    }

    @Test func anIntegerBeyond64BitsInAFieldWithoutALimitIsAFinding() throws {
        // `_revision` has no maximum, but NSX reads it as a 64-bit integer.
        let report = lint(bytes(#"{"resource_type": "SecurityPolicy", "_revision": 99999999999999999999}"#))
        let range = try #require(report.findings.first { $0.message.contains("does not fit a 64-bit integer") })
        #expect(range.ruleID == "schema/range")
        let fits = lint(bytes(#"{"resource_type": "SecurityPolicy", "_revision": 9223372036854775807}"#))
        #expect(!fits.findings.contains { $0.message.contains("64-bit") })
    }

    @Test func aNumberOfAMillionDigitsIsCutInTheMessage() throws {
        let digits = String(repeating: "9", count: 1_000_000)
        let report = lint(bytes(#"{"resource_type": "SecurityPolicy", "sequence_number": \#(digits)}"#))
        let range = try #require(report.findings.first { $0.ruleID == "nsx/sequence-range" })
        #expect(range.message.count < 300)
        #expect(range.message.contains("(1000000 characters)"))
    }

    // MARK: bad bytes

    @Test func aMegabyteOfNULBytesIsOneFinding() {
        let report = lint([UInt8](repeating: 0, count: 1_000_000))
        #expect(report.findings.filter { $0.ruleID.hasPrefix("json/") }.count == 1)
        #expect(report.findings.first?.message.contains("U+0000") == true)
    }

    @Test func aMegabyteOfInvalidUTF8InAStringStopsAtTheProblemLimit() {
        let report = lint(bytes(#"{"a": ""#) + [UInt8](repeating: 0xFF, count: 1_000_000) + bytes(#""}"#))
        let encoding = report.findings.filter { $0.ruleID == "json/encoding" }
        #expect(encoding.count == JSONParser.problemLimit)
        #expect(encoding.first?.start == SourcePosition(line: 1, column: 8))
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 8)
        for length in [0, 1, 2, 3, 7, 64, 4096, 100_000] {
            for _ in 0..<20 {
                let input = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                _ = lint(input)
            }
        }
    }

    @Test func anEmptyFileIsOneSyntaxFindingAtTheStart() {
        let report = lint([])
        #expect(report.findings.count == 1)
        #expect(report.findings.first?.ruleID == "json/syntax")
        #expect(report.findings.first?.start == SourcePosition(line: 1, column: 1))
    }

    // MARK: files and folders, through the command line

    static func temporaryFolder(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policylint-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func anEmptyFileOnTheCommandLineIsASyntaxError() throws {
        let folder = try Self.temporaryFolder("empty")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data().write(to: folder.appendingPathComponent("empty.json"))
        let r = try CLI.run([folder.appendingPathComponent("empty.json").path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("empty.json:1:1: error [json/syntax] the file holds no JSON value"))
    }

    @Test func aDirectorySymlinkLoopEndsAndChecksEachFileOnce() throws {
        let folder = try Self.temporaryFolder("loop")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fm = FileManager.default
        try fm.createDirectory(at: folder.appendingPathComponent("sub/deeper"), withIntermediateDirectories: true)
        try #"{"a": 1,}"#.write(to: folder.appendingPathComponent("top.json"), atomically: true, encoding: .utf8)
        try #"{"b": 1,}"#.write(to: folder.appendingPathComponent("sub/deeper/inner.json"), atomically: true, encoding: .utf8)
        // Loops: to the folder itself, to an ancestor, to the top, and two links to each other.
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("self").path, withDestinationPath: ".")
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("sub/deeper/up").path, withDestinationPath: "../..")
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("sub/top").path, withDestinationPath: folder.path)
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("ping").path, withDestinationPath: "pong")
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("pong").path, withDestinationPath: "ping")
        let r = try CLI.run([folder.path])
        #expect(r.status == 1, "the two syntax errors fail the run; the looping links are not inputs: \(r.stderr)")
        #expect(r.stdout.components(separatedBy: "top.json:1:8: error [json/syntax]").count == 2)
        #expect(r.stdout.components(separatedBy: "inner.json:1:8: error [json/syntax]").count == 2)
        #expect(r.stdout.contains("in 2 files"))
        #expect(r.stderr.isEmpty)
    }

    @Test func aLoopingLinkNamedOnTheCommandLineIsAnErrorForThatPathOnly() throws {
        let folder = try Self.temporaryFolder("link")
        defer { try? FileManager.default.removeItem(at: folder) }
        let link = folder.appendingPathComponent("loop.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "loop.json")
        let r = try CLI.run([link, "testdata/samples/web-policy.put.json"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("loop.json: a symbolic link that leads nowhere"))
        #expect(r.stdout.contains("web-policy.put.json:7:3: warning [schema/deprecated]"))
    }

    @Test(.enabled(if: geteuid() != 0,
                   "running as root: chmod 000 does not stop root from reading a file; the /proc/self/mem test covers an unreadable file instead"))
    func anUnreadableFileExitsTwoAndTheOthersAreStillChecked() throws {
        let folder = try Self.temporaryFolder("unreadable")
        defer {
            chmod(folder.appendingPathComponent("secret.json").path, 0o644)
            try? FileManager.default.removeItem(at: folder)
        }
        let secret = folder.appendingPathComponent("secret.json").path
        try #"{"a": 1}"#.write(toFile: secret, atomically: true, encoding: .utf8)
        #expect(chmod(secret, 0) == 0)
        let r = try CLI.run([secret, "testdata/samples/web-policy.put.json"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("secret.json: cannot read the file: Permission denied"), "with the reason")
        #expect(r.stdout.contains("web-policy.put.json:7:3: warning [schema/deprecated]"))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/mem"), "needs Linux's /proc"))
    func aFileThatFailsToReadEvenForRootExitsTwoAndTheOthersAreStillChecked() throws {
        // /proc/self/mem exists for every process, and reading it from offset 0 fails (EIO),
        // even as root.
        let r = try CLI.run(["/proc/self/mem", "testdata/samples/web-policy.put.json"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/proc/self/mem: cannot read the file: Input/output error"), "with the reason")
        #expect(r.stdout.contains("web-policy.put.json:7:3: warning [schema/deprecated]"))
    }
}

extension Array where Element == UInt8 {
    /// The bytes as the content of a JSON string.
    var withQuotes: [UInt8] { [UInt8(ascii: "\"")] + self + [UInt8(ascii: "\"")] }
}

/// A small deterministic generator, so a failing input can be made again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
