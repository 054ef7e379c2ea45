import Foundation
import Testing
@testable import PolicyLint

/// Terminal control characters and escape sequences from any input — file contents, file and
/// folder names, arguments, rule packs — never reach standard output or standard error raw, in
/// any format. (`EndToEndTests.controlCharactersFromTheInputNeverReachTheTerminal` is the short
/// version of this.)
@Suite("Hostile input", .serialized)
struct HostileInputTests {
    /// ESC with a colour, an OSC title ended by BEL, an 8-bit CSI, a carriage return, a
    /// backspace, DEL and a right-to-left override.
    static let hostile = "\u{1B}[31m\u{1B}]0;owned\u{07}\u{9B}2J\r\u{08}\u{7F}\u{202E}"
    /// The same, escaped for a JSON string (raw controls in a string are a syntax error).
    static let hostileJSON = #"\u001b[31m\u001b]0;owned\u0007\u009b2J\r\b\u007f\u202e"#

    /// Every scalar that must not appear raw: C0 controls but the line break, DEL, C1, bidi.
    static func rawControls(_ text: String) -> [String] {
        text.unicodeScalars.filter { s in
            (s.value < 0x20 && s != "\n") || (0x7F...0x9F).contains(s.value) || isBidiControl(s)
        }.map { "U+" + hex($0.value, width: 4) }
    }

    static func expectClean(_ r: CLI.Outcome, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let out = rawControls(r.stdout), err = rawControls(r.stderr)
        #expect(out.isEmpty, "\(what): raw \(Set(out).sorted()) on stdout", sourceLocation: sourceLocation)
        #expect(err.isEmpty, "\(what): raw \(Set(err).sorted()) on stderr", sourceLocation: sourceLocation)
    }

    /// A document that makes every check quote input: enum, type, unknown and duplicate keys,
    /// path/id, wrapper and reference mismatches, an unknown resource type, raw C1, DEL and bidi
    /// characters in the excerpt, and a syntax error at a raw ESC byte.
    static let hostileDocument = """
        [
          {"resource_type": "SecurityPolicy", "id": "p\(hostileJSON)", "path": "/infra/domains/default/security-policies/\(hostileJSON)",
           "category": "\(hostileJSON)", "sequence_number": "\(hostileJSON)", "stateful": "\(hostileJSON)",
           "\(hostileJSON)": 1, "\(hostileJSON)": 2, "display_name": "raw \u{9B}2J \u{7F} \u{202E}txt",
           "rules": [{"resource_type": "Rule", "id": "r", "source_groups": ["/infra/domains/default/groups/g\(hostileJSON)"],
                      "action": "\(hostileJSON)", "services": ["ANY"], "destination_groups": ["ANY"]}]},
          {"resource_type": "ChildGroup", "\(hostileJSON)": {"resource_type": "Evil\(hostileJSON)"}},
          {"resource_type": "Unknown\(hostileJSON)"},
          {"key": "k\(hostileJSON)", "meta": {"href": "/api/configuration/policies/x\(hostileJSON)"}},
          {"password": "\(hostileJSON)", "psk": "\(hostileJSON)"}
        ]
        """

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policylint-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Names with an escape sequence, a BEL, a CR and a line break, an 8-bit CSI, a bidi
    /// override and DEL, each a file with findings.
    static let fileNames = ["esc\u{1B}[31m.json", "bel\u{07}.json", "cr\rnl\n.json", "csi\u{9B}2J.json", "bidi\u{202E}nosj.json", "del\u{7F}.json"]

    static func populate(_ folder: URL) throws {
        try hostileDocument.write(to: folder.appendingPathComponent(fileNames[0]), atomically: true, encoding: .utf8)
        for name in fileNames.dropFirst() {
            try #"{"a": 1,}"#.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        // A folder with a hostile name, and a raw ESC byte where a value belongs.
        let sub = folder.appendingPathComponent("dir\u{1B}]0;x\u{07}")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try Data("{\"a\": \u{1B}[31m}".utf8).write(to: sub.appendingPathComponent("raw.json"))
    }

    @Test("findings from hostile files and names", arguments: ReportFormat.all.filter(\.writesRuns).map(\.name))
    func everyFormat(_ format: String) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.populate(folder)
        let r = try CLI.run(["--format", format, "."], in: folder)
        #expect(r.status == 1, "\(r.stderr)")
        Self.expectClean(r, "--format \(format)")
        #expect(!r.stdout.isEmpty)
        if format == "text" {
            // The names and the quoted values are there, escaped.
            #expect(r.stdout.contains(#"esc\u{1B}[31m.json:"#))
            #expect(r.stdout.contains(#"cr\u{0D}nl\u{0A}.json:1:8: error [json/syntax]"#))
            #expect(r.stdout.contains(#"dir\u{1B}]0;x\u{07}/raw.json:1:7: error [json/syntax] expected a value, found U+001B"#))
            #expect(r.stdout.contains(#"Unknown\u{1B}[31m"#), "the summary lists the unknown type, escaped")
            for rule in ["schema/enum", "schema/unknown-field", "json/duplicate-key", "nsx/path-id-mismatch", "nsx/child-type-mismatch", "xref/href-key-mismatch"] {
                #expect(r.stdout.contains("[\(rule)]"), "\(rule) is among the findings")
            }
        }
    }

    @Test func namesOnTheCommandLineAndFromStandardInput() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.populate(folder)
        let explicit = try CLI.run(Self.fileNames + ["missing\u{1B}[2J.json"], in: folder)
        #expect(explicit.status == 2)
        #expect(explicit.stderr.contains(#"missing\u{1B}[2J.json: no such file or directory"#))
        Self.expectClean(explicit, "explicit names")

        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("dangling\u{1B}[5m.json").path, withDestinationPath: "nowhere\u{07}")
        let dangling = try CLI.run(["."], in: folder)
        #expect(dangling.stderr.contains(#"dangling\u{1B}[5m.json: a symbolic link that leads nowhere"#))
        Self.expectClean(dangling, "a dangling link")

        let stdin = try CLI.run(["--stdin-filename", "in\u{1B}[31m\r.json", "-"], stdin: Self.hostileDocument, in: folder)
        #expect(stdin.stdout.contains(#"in\u{1B}[31m\u{0D}.json:"#))
        Self.expectClean(stdin, "--stdin-filename")
    }

    @Test func argumentsInErrorMessages() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{}".write(to: folder.appendingPathComponent("x.json"), atomically: true, encoding: .utf8)
        for arguments in [["--for\u{1B}[31mmat", "x.json"], ["--format", "x\u{1B}[31m", "x.json"], ["--kind", "k\u{1B}]0;t\u{07}", "x.json"],
                          ["explain", "no\u{1B}[31m/rule"], ["--fail-on", "\u{9B}2J", "x.json"], ["--config", "c\u{1B}.json", "x.json"]] {
            let r = try CLI.run(arguments, in: folder)
            #expect(r.status == 2, "\(arguments)")
            #expect(r.stderr.hasPrefix("policylint: "), "\(arguments): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(arguments): one line")
            Self.expectClean(r, "\(arguments)")
        }
    }

    @Test func textFromACustomRulePack() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let packs = folder.appendingPathComponent("packs")
        try FileManager.default.createDirectory(at: packs, withIntermediateDirectories: true)
        let h = Self.hostileJSON
        try """
            {"pack": "evil", "rules": [{"id": "evil/rule", "level": "error", "summary": "sum \(h)", "explanation": "line one \(h)\\nline two \(h)",
              "source": "src \(h)", "examples": {"valid": ["{\\"a\\": \\"\(h.replacingOccurrences(of: "\\", with: "\\\\"))\\"}"], "invalid": []}}],
             "types": [{"name": "evil.T", "recognize": {"hasAll": ["evil"]}, "conditions": [{"rule": "evil/rule", "when": {"field": "evil", "present": true}, "message": "msg \(h)"}]}]}
            """.write(to: packs.appendingPathComponent("evil.json"), atomically: true, encoding: .utf8)
        try #"{"evil": 1}"#.write(to: folder.appendingPathComponent("doc.json"), atomically: true, encoding: .utf8)
        for arguments in [["rules", "--rules", "packs"], ["rules", "--rules", "packs", "--format", "markdown"], ["rules", "--rules", "packs", "--format", "json"],
                          ["explain", "evil/rule", "--rules", "packs"], ["--rules", "packs", "doc.json"]] {
            let r = try CLI.run(arguments, in: folder)
            #expect(r.stderr.isEmpty, "\(arguments): \(r.stderr)")
            #expect(r.stdout.contains("evil"), "\(arguments)")
            Self.expectClean(r, "\(arguments)")
        }
        // A broken pack is reported with its own text quoted.
        try #"{"pack": "evil", "types": [{"name": "T", "fe\u001b[31mlds": {}}]}"#.write(to: packs.appendingPathComponent("evil.json"), atomically: true, encoding: .utf8)
        let broken = try CLI.run(["--rules", "packs", "doc.json"], in: folder)
        #expect(broken.status == 2)
        Self.expectClean(broken, "a broken pack")
    }

    @Test func theFixCommand() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = "fix\u{1B}[31m.json"
        try #"{"resource_type": "SecurityPolicy", "id": "p", "_create_user": "a\u001b[31m", "category": "application"}"#
            .write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        for arguments in [["fix", name], ["fix", "--in-place", name], ["fix", "gone\u{1B}.json"]] {
            let r = try CLI.run(arguments, in: folder)
            Self.expectClean(r, "\(arguments)")
        }
    }
}
