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

    /// Loaded strictly, as policylint reads `.policylint.json`, and with no ignore already
    /// expired: an example that reports its own ignore as expired teaches the wrong thing.
    /// (When this fails on a later day, move the example's date.)
    @Test func theExampleConfigurationLoadsAndHasNotExpired() throws {
        let text = try Self.jsonBlock(under: "## Configuration")
        let config = try Configuration.load(file: ".policylint.json", folder: "/project", bytes: Array(text.utf8), ruleSet: builtInRules)
        #expect(!config.ignores.isEmpty && !config.levels.isEmpty && !config.kinds.isEmpty, "the example shows every part")
        let now = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        let today = CalendarDate(year: now.year!, month: now.month!, day: now.day!)
        let expired = config.suppress([], workingDirectory: "/project", today: today, linter: Linter(ruleSet: builtInRules)).flatMap(\.findings)
        #expect(expired.isEmpty, "the README's example has an expired ignore: \(expired.map { "\($0.start.line):\($0.start.column) \($0.message)" })")
    }
}
