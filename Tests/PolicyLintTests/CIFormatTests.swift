import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import PolicyLint

/// A run of made-up findings, for the reporters' rules on counts and escaping.
func syntheticRun(_ findings: [(file: String, level: Level, message: String)], files: [String] = []) -> RunResult {
    var byFile: [String: [Finding]] = [:]
    for (i, f) in findings.enumerated() {
        byFile[f.file, default: []].append(Finding(ruleID: "test/rule", level: f.level, message: f.message, file: f.file, pointer: "/items/\(i)",
                                                   start: SourcePosition(line: i + 1, column: 3), end: SourcePosition(line: i + 1, column: 9), byteRange: 0..<1))
    }
    let names = Set(byFile.keys).union(files).sorted()
    return RunResult(files: names.map { FileReport(file: $0, byteCount: 1, findings: byFile[$0] ?? [], checkedTypes: [:], uncheckedTypes: [:]) },
                     ruleSet: builtInRules, toolVersion: "0.0.0-test")
}

@Suite("GitHub workflow commands")
struct GitHubFormatTests {
    @Test func escapingFollowsTheRunnersRules() {
        #expect(GitHubReporter.escapeData("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b")
        #expect(GitHubReporter.escapeProperty("dir:x/a,b%.json") == "dir%3Ax/a%2Cb%25.json")
        #expect(GitHubReporter.escapeData("\u{1B}[31mred\u{07}\u{202E}") == "\\u{1B}[31mred\\u{07}\\u{202E}")
    }

    @Test func oneAnnotationPerFindingWithItsRegion() {
        let run = syntheticRun([("dir/a,b.json", .error, "bad: 100%")])
        #expect(GitHubReporter().render(run) == """
            ::error file=dir/a%2Cb.json,line=1,col=3,endLine=1,endColumn=9,title=test/rule::bad: 100%25
            policylint: 1 error, 0 warnings, 0 notes in 1 file

            """)
    }

    @Test func atMostTenPerLevelThenOneNoticeCountingTheRest() {
        let run = syntheticRun(Array(repeating: ("a.json", Level.error, "e"), count: 25) + Array(repeating: ("a.json", .warning, "w"), count: 3)
                               + Array(repeating: ("a.json", .note, "n"), count: 12))
        let lines = GitHubReporter().render(run).split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("::error ") }.count == 10)
        #expect(lines.filter { $0.hasPrefix("::warning ") }.count == 3)
        // The closing notice is the tenth notice: notes leave it room.
        #expect(lines.filter { $0.hasPrefix("::notice file=") }.count == 9)
        #expect(lines.filter { $0.hasPrefix("policylint: not annotated: ") }.count == 18)
        let notices = lines.filter { $0.hasPrefix("::notice title=policylint::") }
        #expect(notices == ["::notice title=policylint::18 more findings are not annotated (15 errors, 3 notes): GitHub shows at most 10 annotations of each level per step; they are listed in the log above"])
        #expect(lines.last == "policylint: 25 errors, 3 warnings, 12 notes in 1 file")
    }

    @Test func tenOfALevelFitWithoutANotice() {
        let output = GitHubReporter().render(syntheticRun(Array(repeating: ("a.json", Level.note, "n"), count: 10)))
        #expect(output.split(separator: "\n").filter { $0.hasPrefix("::notice ") }.count == 10)
        #expect(!output.contains("not annotated"))
    }

    @Test func suppressedFindingsAreNeverAnnotated() {
        var run = syntheticRun([("a.json", .error, "e")])
        run.files[0].findings[0].suppression = Suppression(reason: "r", source: "c:1")
        #expect(GitHubReporter().render(run) == "policylint: 0 errors, 0 warnings, 0 notes in 1 file\n")
    }

    @Test func aHostileFileNameCannotStartACommand() {
        let run = syntheticRun(Array(repeating: ("::error::pwned\n::x.json", Level.error, "e"), count: 11))
        for line in GitHubReporter().render(run).split(separator: "\n") {
            #expect(!line.hasPrefix("::error::"), "\(line)")
        }
    }
}

@Suite("JUnit XML")
struct JUnitFormatTests {
    /// Parses the XML, so a test fails on anything a strict parser would reject.
    static func wellFormed(_ xml: String) -> Bool {
        let parser = XMLParser(data: Data(xml.utf8))
        return parser.parse()
    }

    @Test func aCleanFileIsOnePassingCase() {
        let xml = JUnitReporter().render(syntheticRun([], files: ["clean.json"]))
        #expect(xml == """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="policylint" tests="1" failures="0" errors="0" skipped="0">
              <testsuite name="clean.json" tests="1" failures="0" errors="0" skipped="0">
                <testcase name="policylint" classname="clean.json"/>
              </testsuite>
            </testsuites>

            """)
        #expect(Self.wellFormed(xml))
    }

    @Test func findingsBelowTheFailLevelPassWithTheirText() {
        let run = syntheticRun([("a.json", .error, "e"), ("a.json", .warning, "w")])
        let xml = JUnitReporter(failLevel: .error).render(run)
        #expect(xml.contains(#"<testsuite name="a.json" tests="2" failures="1" errors="0" skipped="0">"#))
        #expect(xml.contains("<system-out>a.json:2:3: warning [test/rule] w\npointer: /items/1</system-out>"))
        #expect(JUnitReporter(failLevel: .note).render(run).contains(#"failures="2""#))
        #expect(JUnitReporter(failLevel: nil).render(run).contains(#"failures="0""#))
    }

    @Test func markupAndControlCharactersNeverReachTheXMLRaw() {
        let hostile = "<script>&\"quoted\" 'x' \u{1B}[31m\u{0}\u{7F}\u{202E}\u{FFFF} ]]>"
        let run = syntheticRun([("a<&>\".json", .error, hostile)])
        let xml = JUnitReporter().render(run)
        #expect(Self.wellFormed(xml), "\(xml)")
        for raw in ["\u{1B}", "\u{0}", "\u{7F}", "\u{202E}", "\u{FFFF}", "<script>", "]]>"] { #expect(!xml.contains(raw), "\(raw.unicodeScalars.first!.value)") }
        #expect(xml.contains("&lt;script&gt;&amp;"))
        #expect(xml.contains(#"classname="a&lt;&amp;&gt;&quot;.json""#))
    }

    @Test func repeatedCaseNamesAreNumberedAndSuppressedOnesSkipped() {
        var run = syntheticRun([("a.json", .error, "e"), ("a.json", .error, "e")])
        for i in run.files[0].findings.indices { run.files[0].findings[i].pointer = "/same" }
        run.files[0].findings[1].suppression = Suppression(reason: "accepted", source: ".policylint.json:3")
        #expect(!JUnitReporter().render(run).contains("skipped message"), "suppressed ones are left out unless asked")
        let xml = JUnitReporter(showSuppressed: true).render(run)
        #expect(xml.contains(#"<testcase name="test/rule at /same" "#))
        #expect(xml.contains(#"<testcase name="test/rule at /same #2" classname="a.json"><skipped message="suppressed by .policylint.json:3: accepted"/></testcase>"#))
        #expect(xml.contains(#"tests="2" failures="1" errors="0" skipped="1""#))
        #expect(Self.wellFormed(xml))
    }

    @Test func theSamplesReportIsWellFormed() throws {
        #expect(Self.wellFormed(JUnitReporter().render(try Golden.lint(Golden.inputs("testdata/samples") + Golden.inputs("testdata/seeds")))))
    }
}

@Suite("CI formats end to end", .serialized)
struct CIFormatEndToEndTests {
    @Test func githubAndJunitFromTheCommandLine() throws {
        let github = try CLI.run(["--format", "github", "testdata/samples/web-policy.put.json"])
        #expect(github.status == 0, "warnings only")
        #expect(github.stdout.hasPrefix("::warning file=testdata/samples/web-policy.put.json,line=7,col=3,endLine=7,endColumn=26,title=schema/deprecated::"))
        let junit = try CLI.run(["--format", "junit", "--fail-on", "warning", "testdata/samples/web-policy.put.json"])
        #expect(junit.stdout.hasPrefix("<?xml"))
        #expect(!junit.stdout.contains("<system-out>"), "with --fail-on warning, warnings are failures too")
        #expect(try CLI.run(["rules", "--format", "github"]).status == 2)
    }

    @Test func sarifBesideTheGitHubOutput() throws {
        let folder = try TemporaryFolder([:])
        defer { folder.remove() }
        let sarif = folder.path("results.sarif")
        let r = try CLI.run(["--format", "github", "--sarif", sarif, "testdata/samples"])
        #expect(r.stdout.hasPrefix("::error "))
        #expect(try folder.read("results.sarif").contains(#""version": "2.1.0""#))
    }
}
