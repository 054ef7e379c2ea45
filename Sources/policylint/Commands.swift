#if canImport(Glibc)
import Glibc
#endif
import PolicyLint

/// What the process exits with (README, "Exit codes").
enum ExitCode: Int32, Comparable {
    /// Nothing at or above the fail level.
    case passed = 0
    /// Findings at or above the fail level; for `fix`, a file it would not fix.
    case failed = 1
    /// A usage error, an unreadable or unwritable path, a directory with no JSON file, a broken
    /// rule pack, configuration or baseline.
    case trouble = 2

    static func < (a: ExitCode, b: ExitCode) -> Bool { a.rawValue < b.rawValue }
}

/// What ends a command before it is done: one line on standard error, and exit code 2.
struct CommandError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// `policylint --help` (or `help`) and `--version`: they read no rule pack and cannot fail.
struct HelpCommand {
    /// The version line instead of the usage.
    var version: Bool

    func run() -> ExitCode {
        print(version ? "policylint \(policylintVersion)" : Arguments.help)
        return .passed
    }
}

/// `policylint rules`: every rule, in the format asked for.
struct RulesCommand {
    var arguments: Arguments
    var ruleSet: RuleSet

    func run() -> ExitCode {
        // The parser accepts only the formats that write the rule list.
        print(arguments.format.ruleList(ruleSet) ?? "", terminator: "")
        return .passed
    }
}

/// `policylint explain RULE`: a rule's explanation, source and examples.
struct ExplainCommand {
    var ruleID: String
    var ruleSet: RuleSet

    func run() throws(CommandError) -> ExitCode {
        guard let rule = ruleSet.rules[ruleID] else {
            let hint = closestMatch(to: ruleID, in: ruleSet.ruleOrder).map { "; did you mean \($0)?" } ?? ""
            throw CommandError("no rule '\(ruleID)'\(hint)")
        }
        print(terminalSafeLines(RuleDocumentation.explain(rule)), terminator: "")
        return .passed
    }
}

/// `policylint schema [TYPE...]`: a JSON Schema of the named types (a pack's or the NSX
/// model's), or of every type a pack recognises, from the packs the linter uses.
struct SchemaCommand {
    var typeNames: [String]
    var ruleSet: RuleSet

    func run() throws(CommandError) -> ExitCode {
        for name in typeNames where !ruleSet.hasType(named: name) {
            let hint = (ruleSet.closestKind(to: name) ?? closestMatch(to: name, in: ruleSet.schemaTypeNames)).map { "; did you mean \($0)?" } ?? ""
            throw CommandError("no type '\(name)' in the rule packs or the NSX model\(hint)")
        }
        print(ruleSet.jsonSchema(for: typeNames.isEmpty ? ruleSet.schemaTypeNames : typeNames), terminator: "")
        return .passed
    }
}

/// `policylint fix`: without --in-place it lists what it would change (never the file's
/// content, which may hold secrets); with it, it writes each file atomically. A file it cannot
/// read or write is said on standard error and the others are still fixed, so nothing here ends
/// the command early.
struct FixCommand {
    var arguments: Arguments
    var ruleSet: RuleSet

    func run() -> ExitCode {
        var options = LintOptions(kind: arguments.kind, tlsProfile: arguments.tlsProfile)
        options.template = arguments.template
        let fixer = Fixer(ruleSet: ruleSet, options: options)
        var status = ExitCode.passed
        for path in arguments.paths {
            let bytes: [UInt8]
            do { bytes = try readFile(path) } catch {
                // A directory is named by its reason too: fix changes files, one by one, as named.
                writeStandardError("policylint: \(terminalSafe(path)): cannot read the file: \(error.reason)\n")
                status = .trouble
                continue
            }
            let shown = terminalSafe(path)
            switch fixer.fix(file: path, bytes: bytes) {
            case .unchanged:
                print("\(shown): nothing to fix")
            case .refused(let reason):
                print("\(shown): not fixed: \(reason)")
                status = max(status, .failed)
            case .fixed(let bytes, let fixes):
                for fix in fixes { print("\(shown):\(terminalSafe(fix))") }
                if arguments.inPlace {
                    do { try writeFileAtomically(path, bytes) } catch {
                        writeStandardError("policylint: cannot write \(shown): \(error.reason)\n")
                        status = .trouble
                        continue
                    }
                    print("\(shown): \(fixes.count) fix\(fixes.count == 1 ? "" : "es") applied")
                } else {
                    print("\(shown): \(fixes.count) fix\(fixes.count == 1 ? "" : "es") available; run with --in-place to apply")
                }
            }
        }
        return status
    }
}

/// The built-in rule packs and those in each `--rules DIR` (its `*.json` files, by name), and
/// the NSX model: the built-in one, or the one `--nsx-spec FILE` describes.
func loadRuleSet(directories: [String], nsxSpec: String? = nil) throws(CommandError) -> RuleSet {
    do {
        var packs = try RuleSet.builtInPacks()
        for directory in directories {
            let names: [String]
            do { names = try directoryEntries(directory).filter { $0.hasSuffix(".json") }.sorted() } catch {
                throw CommandError("cannot read the rule pack directory \(directory): \(error.reason)")
            }
            for name in names {
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                let bytes: [UInt8]
                do { bytes = try readFile(path) } catch { throw CommandError("cannot read the rule pack \(path): \(error.reason)") }
                packs.append(try RulePackLoader.load(file: path, bytes: bytes))
            }
        }
        guard let nsxSpec else { return try RuleSet(packs: packs) }
        let bytes: [UInt8]
        do { bytes = try readFile(nsxSpec) } catch { throw CommandError("cannot read the NSX specification \(nsxSpec): \(error.reason)") }
        do {
            return try RuleSet(packs: packs, models: ModelLines.nsxSpecification(bytes, file: nsxSpec, packs: packs))
        } catch let error as ConfigurationError {
            throw CommandError("unusable NSX specification: \(error.description)")
        }
    } catch let error as CommandError {
        throw error
    } catch let error as ConfigurationError {
        throw CommandError("broken rule pack: \(error.description)")
    } catch {
        throw CommandError("broken rule pack: \(error)")
    }
}

func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBufferPointer { write(2, $0.baseAddress, $0.count) }
}
