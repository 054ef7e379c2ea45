import Foundation
import Testing
@testable import PolicyLint
@testable import policylint

/// The traps a new user hits on the command line (issue 12): each runs the built executable.
@Suite("Command line", .serialized)
struct CommandLineTests {
    static let bad = #"{"resource_type": "SecurityPolicy", "sequence_number": 1000000}"#
    static let clean = #"{"resource_type": "SecurityPolicy", "sequence_number": 5}"#

    // MARK: usage

    @Test func helpAndTheFormatErrorListEveryFormatOfTheCommand() throws {
        let help = try CLI.run(["--help"]).stdout
        let lintFormats = Arguments.formats(for: .lint).map(\.name)
        #expect(lintFormats.contains("html"))
        #expect(help.contains("--format \(lintFormats.joined(separator: "|"))"))
        #expect(help.contains("policylint rules [--format text|json|markdown]"))
        let wrong = try CLI.run(["--format", "yaml", "x.json"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr == "policylint: --format yaml: policylint writes text, sarif, json, github, junit or html (run 'policylint --help' for usage)\n")
    }

    @Test func helpIsACommandAndAFileNamedHelpIsStillLintable() throws {
        let folder = try TemporaryFolder(["help": Self.bad])
        defer { folder.remove() }
        let help = try CLI.run(["help"], in: folder.url)
        #expect(help.status == 0)
        #expect(help.stdout == (try CLI.run(["--help"]).stdout))
        for path in [["./help"], ["--", "help"]] {
            let r = try CLI.run(path, in: folder.url)
            #expect(r.status == 1, "\(path)")
            #expect(r.stdout.contains("help:1:56: error [nsx/sequence-range]"), "\(path)")
        }
    }

    @Test func aFormatTheCommandDoesNotWriteIsAUsageError() throws {
        let sarif = try CLI.run(["rules", "--format", "sarif"])
        #expect(sarif.status == 2)
        #expect(sarif.stdout.isEmpty)
        #expect(sarif.stderr.contains("--format sarif: policylint rules writes text, json or markdown"))
        let explain = try CLI.run(["explain", "nsx/sequence-range", "--format", "json"])
        #expect(explain.status == 2)
        #expect(explain.stderr.contains("--format json: policylint explain writes only text"))
        #expect(try CLI.run(["rules", "--format", "markdown"]).status == 0)
        #expect(try CLI.run(["explain", "--format", "text", "nsx/sequence-range"]).status == 0)
    }

    @Test func optionsMayComeBeforeTheCommand() throws {
        let explain = try CLI.run(["--rules", "examples/owner-tag", "explain", "acme/policy-owner-tag"])
        #expect(explain.status == 0)
        #expect(explain.stdout.contains("A SecurityPolicy without an owner tag."))
        let rules = try CLI.run(["--format", "json", "rules"])
        #expect(rules.status == 0)
        #expect(rules.stdout.hasPrefix("["))
        // The command is the first word that is not an option: a later `explain` is a path.
        let later = try CLI.run(["testdata/samples/web-policy.put.json", "explain"])
        #expect(later.status == 2)
        #expect(later.stderr.contains("policylint: explain: no such file or directory"))
    }

    @Test func unreadableAndUnwritablePathsSayWhy() throws {
        let folder = try TemporaryFolder(["a.json": Self.bad, "sub/b.json": Self.clean])
        defer { folder.remove() }
        let directory = try CLI.run(["fix", "sub"], in: folder.url)
        #expect(directory.status == 2)
        #expect(directory.stderr == "policylint: sub: cannot read the file: Is a directory\n")
        let stdin = try CLI.run(["fix", "-"], in: folder.url)
        #expect(stdin.status == 2)
        #expect(stdin.stderr.contains("fix needs files; it does not read standard input"))
        for (option, what) in [("--output", "the report"), ("--sarif", "SARIF")] {
            let missing = try CLI.run([option, "nowhere/out.txt", "a.json"], in: folder.url)
            #expect(missing.status == 2)
            #expect(missing.stderr == "policylint: cannot write \(what) to nowhere/out.txt: No such file or directory\n")
            let isDirectory = try CLI.run([option, "sub", "a.json"], in: folder.url)
            #expect(isDirectory.status == 2)
            #expect(isDirectory.stderr == "policylint: cannot write \(what) to sub: Is a directory\n")
        }
        let baseline = try CLI.run(["--write-baseline", "nowhere/baseline.json", "a.json"], in: folder.url)
        #expect(baseline.status == 2)
        #expect(baseline.stderr == "policylint: cannot write the baseline nowhere/baseline.json: No such file or directory\n")
        let config = try CLI.run(["--config", "sub", "a.json"], in: folder.url)
        #expect(config.status == 2)
        #expect(config.stderr == "policylint: cannot read the configuration sub: Is a directory\n")
        let rules = try CLI.run(["--rules", "nowhere", "a.json"], in: folder.url)
        #expect(rules.status == 2)
        #expect(rules.stderr == "policylint: cannot read the rule pack directory nowhere: No such file or directory\n")
        let readBaseline = try CLI.run(["--baseline", "sub", "a.json"], in: folder.url)
        #expect(readBaseline.status == 2)
        #expect(readBaseline.stderr == "policylint: cannot read the baseline sub: Is a directory\n")
        let input = try CLI.run(["a.json", "sub/b.json/"], in: folder.url)
        #expect(input.status == 2)
        #expect(input.stderr == "policylint: sub/b.json/: Not a directory\n")
        #expect(try folder.read("a.json") == Self.bad, "an input is never written")
    }

    // MARK: no input, no green

    @Test func aDirectoryWithoutAJSONFileIsAnError() throws {
        let folder = try TemporaryFolder(["empty/notes.txt": "not json", "configs/a.json": Self.clean])
        defer { folder.remove() }
        let r = try CLI.run(["empty"], in: folder.url)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty, "no report of 0 files")
        #expect(r.stderr == "policylint: no JSON file to check in empty (directories are searched for *.json and *.json.j2 files; hidden files and folders are skipped)\n")
        let withOthers = try CLI.run(["empty", "configs"], in: folder.url)
        #expect(withOthers.status == 2, "a named folder that holds nothing is a mistake even beside others")
        #expect(withOthers.stdout.contains("0 errors, 0 warnings, 0 notes in 1 file"), "the others are still checked")
        // A folder whose JSON files came with another named path is not empty.
        let nested = try CLI.run(["configs", "."], in: folder.url)
        #expect(nested.status == 0)
        #expect(nested.stderr.isEmpty)
        #expect(try CLI.run(["empty", "empty"], in: folder.url).stderr.contains("no JSON file to check in empty ("))
    }

    @Test func upperCaseJSONFilesAreFoundInADirectory() throws {
        let folder = try TemporaryFolder(["exports/EXPORT.JSON": Self.bad])
        defer { folder.remove() }
        let r = try CLI.run(["exports"], in: folder.url)
        #expect(r.status == 1)
        #expect(r.stdout.contains("exports/EXPORT.JSON:1:56: error [nsx/sequence-range]"))
    }

    // MARK: policylint's own files and other JSON are not inputs

    @Test func aWalkedFileWithACredentialIsNotSkipped() throws {
        let folder = try TemporaryFolder([
            "register.json": #"{"license_keys": ["XXXXX-XXXXX"], "client_id": "c"}"#,
            "web.json": #"{"resource_type": "SecurityPolicy", "id": "web"}"#,
        ])
        defer { folder.remove() }
        let r = try CLI.run(["."], in: folder.url)
        #expect(r.stdout.contains("register.json:1:2: warning [secret/plaintext]"))
        #expect(!r.stdout.contains("skipped:"))
    }

    @Test func aWalkSkipsTheBaselineAndListsFilesWithoutAnObject() throws {
        let folder = try TemporaryFolder([
            ".policylint.json": #"{"rules": {}}"#,
            "a.json": Self.bad,
            "package.json": #"{"name": "tools", "version": "1.0.0"}"#,
            "tsconfig.json": #"{"compilerOptions": {}}"#,
        ])
        defer { folder.remove() }
        let write = try CLI.run(["--write-baseline", "policylint-baseline.json", "."], in: folder.url)
        #expect(write.status == 0)
        #expect(write.stderr.contains("wrote 1 finding to the baseline"))
        let r = try CLI.run(["--fail-on", "note", "--baseline", "policylint-baseline.json", "."], in: folder.url)
        #expect(r.status == 0, "neither package.json nor the baseline is a note that fails the gate")
        #expect(r.stdout == """
            0 errors, 0 warnings, 0 notes in 1 file; 1 in the baseline
            checked: SecurityPolicy ×1
            skipped: 2 files hold no NSX or SPS object: package.json, tsconfig.json

            """)
        let sarif = try CLI.run(["--format", "sarif", "."], in: folder.url)
        #expect(sarif.stdout.contains("""
                  "properties": {
                    "checkedTypes": {
                      "SecurityPolicy": 1
                    },
                    "uncheckedTypes": {},
                    "assumedTypes": {},
                    "skippedFiles": [
                      "package.json",
                      "tsconfig.json"
                    ]
                  }
            """))
        // Named on the command line, a file is meant to be checked: it keeps its note.
        let named = try CLI.run(["--fail-on", "note", "package.json"], in: folder.url)
        #expect(named.status == 1)
        #expect(named.stdout.contains("package.json:1:1: note [discovery/unknown-document]"))
        // policylint's own files, even named, are not inputs.
        let own = try CLI.run([".policylint.json", "policylint-baseline.json", "a.json"], in: folder.url)
        #expect(own.status == 1)
        #expect(own.stdout.contains("in 1 file (1 with findings)"))
        #expect(own.stderr.contains("policylint: .policylint.json: skipped: policylint's own configuration"))
        #expect(own.stderr.contains("policylint: policylint-baseline.json: skipped: a policylint baseline"))
    }

    @Test func aFolderHoldingOnlyPolicylintsOwnFilesHasNothingToCheck() throws {
        let folder = try TemporaryFolder(["conf/baseline.json": "{\n  \"version\": 1,\n  \"findings\": []\n}\n", "conf/.policylint.json": "{}"])
        defer { folder.remove() }
        let r = try CLI.run(["conf"], in: folder.url)
        #expect(r.status == 2)
        #expect(r.stderr.contains("no JSON file to check in conf"))
    }

    // MARK: the configuration is found from the files

    @Test func theConfigurationIsFoundFromTheLintedFilesNotTheWorkingDirectory() throws {
        let repository = try TemporaryFolder([
            ".policylint.json": #"{"ignore": [{"paths": "configs/legacy.json", "reason": "renumbered in Q3"}]}"#,
            "configs/legacy.json": Self.bad,
            "configs/new.json": Self.bad,
        ])
        defer { repository.remove() }
        let elsewhere = try TemporaryFolder(["unrelated.txt": ""])
        defer { elsewhere.remove() }
        let r = try CLI.run(["--show-suppressed", repository.path("configs")], in: elsewhere.url)
        #expect(r.status == 1, "new.json still fails")
        #expect(r.stdout.contains("configs/legacy.json:1:56: error [nsx/sequence-range] 'sequence_number' is 1000000; it must be between 0 and 999,999 (suppressed by \(repository.path(".policylint.json")):1: renumbered in Q3)"))
        #expect(r.stdout.contains("1 error, 0 warnings, 0 notes in 2 files (1 with findings); 1 suppressed by the configuration"))
        // Standard input is in the working directory: the working directory's configuration.
        try elsewhere.write(".policylint.json", #"{"rules": {"nsx/sequence-range": "off"}}"#)
        let stdin = try CLI.run(["-"], stdin: Self.bad, in: elsewhere.url)
        #expect(stdin.status == 0)
        // Files with no configuration above them fall back to the working directory's.
        let plain = try TemporaryFolder(["a.json": Self.bad])
        defer { plain.remove() }
        #expect(try CLI.run([plain.path("a.json")], in: elsewhere.url).status == 0)
    }

    // MARK: --context

    static let groups = #"{"results": [{"resource_type": "Group", "id": "web", "path": "/infra/domains/default/groups/web"}], "result_count": 1}"#
    /// Defines one group and references another, defined in groups.json.
    static let policy = """
        [{"resource_type": "Group", "id": "app", "path": "/infra/domains/default/groups/app"},
         {"resource_type": "SecurityPolicy", "id": "p", "category": "Application", "rules": [
          {"action": "ALLOW", "sequence_number": 1, "source_groups": ["/infra/domains/default/groups/web"], "destination_groups": ["/infra/domains/default/groups/app"]}]}]
        """

    @Test func contextFilesResolveReferencesButAreNotReported() throws {
        let folder = try TemporaryFolder([
            "configs/groups.json": Self.groups,
            "configs/policy.json": Self.policy,
            "configs/old.json": Self.bad,
        ])
        defer { folder.remove() }
        let alone = try CLI.run(["configs/policy.json"], in: folder.url)
        #expect(alone.status == 1)
        #expect(alone.stdout.contains("configs/policy.json:3:63: error [xref/dangling] /infra/domains/default/groups/web is not defined"))
        // The named file is also under the context: read once, so it is not its own duplicate.
        let r = try CLI.run(["--context", ".", "configs/policy.json"], in: folder.url)
        #expect(r.status == 0, "the reference resolves; old.json's finding is context, never shown")
        #expect(r.stdout.hasSuffix("\n0 errors, 1 warning, 0 notes in 1 file (1 with findings)\nchecked: Group ×1, SecurityPolicy ×1\n"))
        #expect(r.stdout.hasPrefix("configs/policy.json:1:42: warning [schema/readonly-field] 'path' is read-only (VMware NSX Policy API 4.2 model: Group.path): "))
    }

    @Test func aDuplicateWithAContextFileIsReportedOnTheNamedFile() throws {
        let folder = try TemporaryFolder([
            "a/groups.json": Self.groups,
            "z/copy.json": #"{"resource_type": "Group", "id": "web", "path": "/infra/domains/default/groups/web"}"#,
        ])
        defer { folder.remove() }
        // Without context, the run holds one definition; with it, the named file holds the second.
        #expect(try CLI.run(["a/groups.json"], in: folder.url).status == 0)
        let r = try CLI.run(["--context", "z", "a/groups.json"], in: folder.url)
        #expect(r.status == 1)
        #expect(r.stdout.contains("a/groups.json:1:14: error [dup/id] another Group with the path /infra/domains/default/groups/web is defined in another file of this run"))
        #expect(!r.stdout.contains("z/copy.json"))
        #expect(try CLI.run(["--context", "-", "a/groups.json"], in: folder.url).status == 2)
        #expect(try CLI.run(["--context", "nowhere", "a/groups.json"], in: folder.url).status == 2)
    }
}

extension CommandLineTests {
    /// The skipped files' names are input too: escaped in the text summary, and the SARIF that
    /// lists them still validates.
    @Test func skippedFilesAreEscapedAndTheirSARIFValidates() throws {
        let folder = try TemporaryFolder(["a.json": Self.clean, "evil\u{1B}[31m.json": #"{"name": "x"}"#])
        defer { folder.remove() }
        let text = try CLI.run(["."], in: folder.url)
        #expect(text.status == 0)
        #expect(text.stdout.contains("skipped: 1 file holds no NSX or SPS object: evil\\u{1B}[31m.json\n"))
        #expect(!text.stdout.contains("\u{1B}"))
        guard SarifSchemaTests.validatorAvailable else {
            #expect(!SarifSchemaTests.required, "python3 with jsonschema is required here (pip install jsonschema)")
            return
        }
        let sarif = try CLI.run(["--format", "sarif", "."], in: folder.url)
        #expect(sarif.stdout.contains(#""skippedFiles": ["#))
        let errors = try SarifSchemaTests.schemaErrors(sarif.stdout)
        #expect(errors == nil, "SARIF does not validate:\n\(errors ?? "")")
    }
}
