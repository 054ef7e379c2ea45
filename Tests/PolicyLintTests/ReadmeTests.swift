import Foundation
import Testing
@testable import PolicyLint

/// What the README shows a new user must work as shown.
@Suite("README")
struct ReadmeTests {
    static let readme = (try? String(contentsOf: Golden.root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    /// The first ```json block after a heading.
    static func jsonBlock(under heading: String) throws -> String {
        let section = try #require(readme.range(of: "\n" + heading + "\n"), "the README has no '\(heading)'")
        let open = try #require(readme.range(of: "```json\n", range: section.upperBound..<readme.endIndex))
        let close = try #require(readme.range(of: "\n```\n", range: open.upperBound..<readme.endIndex))
        return String(readme[open.upperBound..<close.lowerBound])
    }

    /// The day the example was last revised: its ignores must work on it. (A test that read the
    /// clock would turn red on a later day with no change to the code.)
    static let exampleRevised = CalendarDate(year: 2026, month: 12, day: 1)

    /// Loaded strictly, as policylint reads `.policylint.json`, and with no ignore expired on
    /// the day it was written: an example that reports its own ignore as expired teaches the
    /// wrong thing.
    @Test func theExampleConfigurationLoadsAndHasNotExpired() throws {
        let text = try Self.jsonBlock(under: "## Configuration")
        let config = try Configuration.load(file: ".policylint.json", folder: "/project", bytes: Array(text.utf8), ruleSet: builtInRules)
        #expect(!config.ignores.isEmpty && !config.levels.isEmpty && !config.kinds.isEmpty, "the example shows every part")
        let today = Self.exampleRevised
        let expired = config.suppress([], workingDirectory: "/project", today: today, linter: Linter(ruleSet: builtInRules)).flatMap(\.findings)
        #expect(expired.isEmpty, "the README's example has an expired ignore: \(expired.map { "\($0.start.line):\($0.start.column) \($0.message)" })")
    }
}
