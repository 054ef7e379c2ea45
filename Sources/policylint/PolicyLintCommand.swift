// The policylint command: arguments → the subcommand → its exit code. The only place that
// exits, and the only place that prints a command's error.
#if canImport(Glibc)
import Glibc
#endif
import PolicyLint

@main
struct PolicyLintCommand {
    static func main() {
        let code: ExitCode
        do {
            code = try run(Array(CommandLine.arguments.dropFirst()))
        } catch {
            // One line: the message may quote input (a path, an argument), so it is escaped
            // whole, line breaks included.
            writeStandardError("policylint: \(terminalSafe(error.message))\n")
            code = .trouble
        }
        exit(code.rawValue)
    }

    static func run(_ words: [String]) throws(CommandError) -> ExitCode {
        let arguments: Arguments
        do {
            arguments = try Arguments.parse(words)
        } catch {
            // One line: a "\n" here was escaped with the rest and printed as a literal "\u{0A}".
            throw CommandError("\(error.message) (run 'policylint --help' for usage)")
        }
        if arguments.showHelp { return HelpCommand(version: false).run() }
        if arguments.showVersion { return HelpCommand(version: true).run() }

        let ruleSet = try loadRuleSet(directories: arguments.ruleDirectories, nsxSpec: arguments.nsxSpec)
        switch arguments.command {
        case .rules: return RulesCommand(arguments: arguments, ruleSet: ruleSet).run()
        // The parser makes sure explain has its rule id.
        case .explain: return try ExplainCommand(ruleID: arguments.ruleID ?? "", ruleSet: ruleSet).run()
        case .schema: return try SchemaCommand(typeNames: arguments.typeNames, ruleSet: ruleSet).run()
        case .fix: return FixCommand(arguments: arguments, ruleSet: ruleSet).run()
        case .lint: return try LintCommand(arguments: arguments, ruleSet: ruleSet).run()
        case .lsp: return LanguageServerCommand(arguments: arguments, ruleSet: ruleSet).run()
        }
    }
}
