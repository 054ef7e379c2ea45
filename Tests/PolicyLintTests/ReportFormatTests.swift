import Testing
@testable import PolicyLint
@testable import policylint

/// The registry of formats is the one list: everything in it works, and the command line offers
/// everything in it.
@Suite("Report formats")
struct ReportFormatTests {
    @Test func namesAreUniqueAndEachFormatWritesSomething() {
        let names = ReportFormat.all.map(\.name)
        #expect(Set(names).count == names.count)
        for format in ReportFormat.all {
            #expect(format.writesRuns || format.writesRuleList, "\(format.name) writes nothing")
            #expect(ReportFormat.named(format.name)?.name == format.name)
        }
        #expect(ReportFormat.named("yaml") == nil)
    }

    @Test("every format that writes runs renders one", arguments: ReportFormat.all.filter(\.writesRuns).map(\.name))
    func rendersARun(_ name: String) throws {
        let format = try #require(ReportFormat.named(name))
        let run = try Golden.lint(Golden.inputs("testdata/samples"))
        let report = try #require(format.reporter(ReportOptions())).render(run)
        #expect(report.contains("nsx/sequence-range"), "\(name) leaves out a finding of the samples")
        if format.mediaType.hasSuffix("json") {
            let parsed = JSONParser.parse(Array(report.utf8))
            #expect(parsed.problems.isEmpty && parsed.isComplete, "\(name) is not valid JSON")
        }
    }

    @Test("every format that writes the rule list renders it", arguments: ReportFormat.all.filter(\.writesRuleList).map(\.name))
    func rendersTheRuleList(_ name: String) throws {
        let format = try #require(ReportFormat.named(name))
        #expect(try #require(format.ruleList(builtInRules)).contains("nsx/sequence-range"))
    }

    @Test func helpNamesEveryFormat() throws {
        let help = try CLI.run(["--help"]).stdout
        #expect(help == Arguments.help + "\n")
        for format in ReportFormat.all {
            #expect(help.contains("  \(format.name) "), "--help does not name \(format.name)")
            #expect(help.contains(format.summary), "--help does not describe \(format.name)")
        }
        #expect(help.contains("--format \(Arguments.formats(for: .lint).map(\.name).joined(separator: "|"))"))
        #expect(help.contains("policylint rules [--format \(Arguments.formats(for: .rules).map(\.name).joined(separator: "|"))]"))
    }

    @Test func eachCommandTakesTheFormatsItWrites() throws {
        for format in ReportFormat.all {
            #expect(format.writesRuns == ((try? Arguments.parse(["--format", format.name, "a.json"])) != nil), "\(format.name)")
            #expect(format.writesRuleList == ((try? Arguments.parse(["rules", "--format", format.name])) != nil), "\(format.name)")
        }
    }
}
