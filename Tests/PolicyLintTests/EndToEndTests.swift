import Foundation
import Testing
@testable import PolicyLint

/// Runs the built `policylint` executable as a user would.
enum CLI {
    static let binary: URL = {
        // The test runner sits in the build folder beside the products it was built with.
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("policylint").path) && folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("policylint")
    }()

    struct Outcome { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], in directory: URL = Golden.root) throws -> Outcome {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                       stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

@Suite("End to end", .serialized)
struct EndToEndTests {
    @Test func samplesGiveFindingsAndExitOne() throws {
        let r = try CLI.run(["testdata/samples"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("testdata/samples/dfw-policies.export.json:9:26: error [nsx/sequence-range]"))
        #expect(r.stdout.contains("errors,"))
        #expect(!r.stdout.contains("\u{1B}"), "no colour when stdout is not a terminal")
    }

    @Test func cleanInputExitsZero() throws {
        let r = try CLI.run(["-"], stdin: #"{"resource_type": "SecurityPolicy", "sequence_number": 5}"#)
        #expect(r.status == 0)
        #expect(r.stdout.contains("0 errors, 0 warnings, 0 notes in 1 file"))
    }

    @Test func failOnChoosesTheLevelThatFails() throws {
        let warningOnly = #"{"resource_type": "SecurityPolicy", "logging_enabled": true}"#
        #expect(try CLI.run(["-"], stdin: warningOnly).status == 0)
        #expect(try CLI.run(["--fail-on", "warning", "-"], stdin: warningOnly).status == 1)
        #expect(try CLI.run(["--fail-on=none", "testdata/samples"]).status == 0)
    }

    @Test func syntaxErrorIsAFindingNotAUsageError() throws {
        let r = try CLI.run(["--stdin-filename", "policy.json", "-"], stdin: "{\"a\": 1,}")
        #expect(r.status == 1)
        #expect(r.stdout.contains("policy.json:1:8: error [json/syntax] trailing ','"))
    }

    @Test func usageErrorsExitTwoWithOneLine() throws {
        let r = try CLI.run(["--formt", "sarif", "x.json"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown option --formt; did you mean --format?"))
        #expect(try CLI.run(["--format", "yaml", "x.json"]).status == 2)
        #expect(try CLI.run([]).status == 2)
    }

    @Test func missingPathExitsTwoButOtherFilesAreStillChecked() throws {
        let r = try CLI.run(["does-not-exist.json", "testdata/samples/web-policy.put.json"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("does-not-exist.json"))
        #expect(r.stdout.contains("web-policy.put.json:7:3: warning [schema/deprecated]"))
    }

    @Test func brokenRulePackExitsTwoWithItsPosition() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policylint-pack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"{"pack": "x", "types": [{"name": "T", "feilds": {}}]}"#.write(to: folder.appendingPathComponent("x.json"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["--rules", folder.path, "testdata/samples"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("x.json:1:39: unknown key 'feilds' in a type"))
        #expect(r.stderr.contains("did you mean 'fields'?"))
    }

    @Test func sarifAndJSONFormats() throws {
        let sarif = try CLI.run(["--format", "sarif", "testdata/samples/web-policy.put.json"])
        #expect(sarif.stdout.contains(#""uri": "testdata/samples/web-policy.put.json""#))
        #expect(sarif.stdout.contains(#""uriBaseId": "%SRCROOT%""#))
        let json = try CLI.run(["--format", "json", "testdata/samples/web-policy.put.json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["pointer"] as? String == "/rule_count" })
        // What the run covered, for a pipeline to assert that nothing went unchecked.
        let coverage = try #require(object["coverage"] as? [String: Any])
        #expect(coverage["checkedTypes"] as? [String: Int] == ["SecurityPolicy": 1])
        #expect(coverage["uncheckedTypes"] as? [String: Int] == [:])
        #expect(coverage["assumedTypes"] as? [String: Int] == [:])
        #expect(coverage["skippedFiles"] as? [String] == [])
    }

    @Test func outputFileAndSarifBeside() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policylint-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("report.txt").path, sarif = folder.appendingPathComponent("r.sarif").path
        let r = try CLI.run(["--output", report, "--sarif", sarif, "testdata/samples"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains("[nsx/sequence-range]"))
        #expect(try String(contentsOfFile: sarif, encoding: .utf8).contains(#""version": "2.1.0""#))
    }

    @Test func aCopiedExecutableWorksWithoutTheSourceTree() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policylint-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("policylint")
        try FileManager.default.copyItem(at: CLI.binary, to: copy)
        let process = Process()
        process.executableURL = copy
        process.arguments = ["explain", "nsx/sequence-range"]
        process.currentDirectoryURL = folder
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("999,999"))
    }

    @Test func versionAndHelp() throws {
        #expect(try CLI.run(["--version"]).stdout == "policylint \(policylintVersion)\n")
        #expect(try CLI.run(["--help"]).stdout.contains("--fail-on"))
    }

    @Test func controlCharactersFromTheInputNeverReachTheTerminal() throws {
        let hostile = "{\"resource_type\": \"SecurityPolicy\", \"category\": \"\\u001b[31mred\u{1B}]0;title\u{07}\", \"display_name\": \"\u{202E}abc\"}"
        let r = try CLI.run(["-"], stdin: hostile)
        #expect(!r.stdout.contains("\u{1B}"))
        #expect(!r.stdout.contains("\u{07}"))
        #expect(!r.stdout.contains("\u{202E}"))
        #expect(r.stdout.contains("\\u{1B}"))
        // A file name is input too. HostileInputTests goes through every format, file and folder
        // names, arguments, rule packs and each message that quotes the input.
        let named = try CLI.run(["--stdin-filename", "evil\u{1B}[31m\r.json", "-"], stdin: hostile)
        #expect(!named.stdout.contains("\u{1B}") && !named.stdout.contains("\r"))
        #expect(named.stdout.contains("evil\\u{1B}[31m\\u{0D}.json:1:"))
    }
}
