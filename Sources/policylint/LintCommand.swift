// `policylint [lint]`: paths → files → configuration → engine → baseline → report → exit code.
#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PolicyLint
import Synchronization

struct LintCommand {
    var arguments: Arguments
    var ruleSet: RuleSet
    /// Globs and baseline paths are relative to their file's folder, resolved like the working
    /// directory (physical paths), so both sides compare.
    let workingDirectory = FileManager.default.currentDirectoryPath

    func run() throws(CommandError) -> ExitCode {
        var walk = InputWalk()
        var named: [InputWalk.Input] = []
        for (i, path) in arguments.paths.enumerated() {
            // policylint's own configuration is not an appliance's (a walk skips it as hidden).
            if path != "-" && path.split(separator: "/").last == Substring(Configuration.fileName) {
                writeStandardError("policylint: \(terminalSafe(path)): skipped: policylint's own configuration, not an appliance's\n")
                continue
            }
            walk.collect(path, explicit: true, origin: i, into: &named)
        }
        // --context: walked like the inputs, read for the bundle only. A file that is also an
        // input is read once, as the input.
        var context: [InputWalk.Input] = []
        walk.visitedDirectories = [:]
        for path in arguments.contextPaths {
            if path == "-" { throw CommandError("--context reads files and directories, not standard input ('-')") }
            walk.collect(path, explicit: true, origin: -1, into: &context)
        }
        if !context.isEmpty {
            var seen = Set(named.filter { $0.path != "-" }.map { realPath($0.path) })
            context.removeAll { !seen.insert(realPath($0.path)).inserted }
        }

        let configuration = try loadConfiguration()
        if let kind = arguments.kind, !ruleSet.declaresType(kind) {
            let hint = ruleSet.closestKind(to: kind).map { "; did you mean '\($0)'?" } ?? ""
            throw CommandError("unknown kind '\(kind)' (known: \(ruleSet.kindNames.joined(separator: ", ")), and every type of the NSX model)\(hint)")
        }
        var options = arguments.lintOptions(configuration, files: (named + context).map { displayName($0.path) }, workingDirectory: workingDirectory)
        options.phaseObserver = phaseTimes
        options.durationObserver = checkTimes
        // The audit report lists the rule base in evaluation order.
        let ruleBase = RuleBaseKept()
        if arguments.format.name == "html" { options.ruleBaseObserver = { rules in ruleBase.rules.withLock { $0 = rules } } }
        options.freesDocuments = false  // the process ends after this run
        let linter = Linter(ruleSet: ruleSet, options: options)

        // Read on every core; results keep the input order.
        phaseTimes?("set-up")
        let all = named + context
        let contents = ParallelMap.map(all.map(\.path), readInput)
        phaseTimes?("read")
        var readable: [(name: String, bytes: [UInt8])] = []
        var readableContext: [(name: String, bytes: [UInt8])] = []
        var walked: Set<String> = []
        var foundUnder: Set<Int> = []
        for (i, input) in all.enumerated() {
            let bytes: [UInt8]
            switch contents[i] {
            case .failure(let error):
                walk.unreadable.append(input.path)
                if i < named.count { foundUnder.insert(input.origin) }
                writeStandardError("policylint: \(terminalSafe(input.path)): cannot read the file: \(error.reason)\n")
                continue
            case .success(let read): bytes = read
            }
            // A baseline is policylint's own file, not an appliance's, wherever it is found.
            if input.path != "-" && Baseline.recognizes(bytes) {
                if input.explicit && i < named.count {
                    writeStandardError("policylint: \(terminalSafe(input.path)): skipped: a policylint baseline, not an appliance's configuration\n")
                }
                continue
            }
            if i < named.count {
                readable.append((displayName(input.path), bytes))
                foundUnder.insert(input.origin)
                if !input.explicit { walked.insert(displayName(input.path)) }
            } else {
                readableContext.append((displayName(input.path), bytes))
            }
        }
        // No input, no green: a named directory without a JSON file to check is a mistake (a
        // wrong folder, a typo), not a clean run.
        let empty = arguments.paths.indices.filter { i in
            walk.namedDirectories.contains(i) && !walk.unreadableDirectories.contains(i) && !foundUnder.contains(i)
                && !(walk.sharedDirectories[i] ?? []).contains(where: foundUnder.contains)
        }
        if !empty.isEmpty {
            var listed: Set<String> = []
            let list = empty.map { arguments.paths[$0] }.filter { listed.insert($0).inserted }.joined(separator: ", ")
            let message = "no JSON file to check in \(list) (directories are searched for *.json and *.json.j2 files; hidden files and folders are skipped)"
            // Nothing to check at all ends the run; beside other files it is said, and they are checked.
            if readable.isEmpty { throw CommandError(message) }
            writeStandardError("policylint: \(terminalSafe(message))\n")
            walk.unreadable.append(contentsOf: empty.map { arguments.paths[$0] })
        }

        let progress = RunProgress(files: readable.count + readableContext.count,
                                   bytes: (readable + readableContext).reduce(0) { $0 + $1.bytes.count })
        var onFileChecked: (@Sendable (Int) -> Void)?
        if let progress { onFileChecked = { bytes in progress.advance(bytes: bytes) } }
        var reports = linter.lint(bundle: readable, context: readableContext, progress: onFileChecked)
        progress?.finish()
        // From the linted files alone (the configuration's own report, an expired ignore, is not
        // a file that was meant to be checked), skipped ones included: a folder of package.json
        // files checked nothing.
        let runFindings = linter.runFindings(reports)
        // A file found by walking a directory that holds no NSX or SPS object at all (a
        // package.json) is not a finding: it is listed as skipped. A file named on the command
        // line keeps its discovery/unknown-document note: it was meant to be checked. A file
        // with any other finding stays: a syntax error (it may be a broken config), a
        // credential in plain text (wherever it is, it must not pass unseen).
        var skipped: [String] = []
        reports.removeAll { report in
            guard report.holdsNoObject, walked.contains(report.file),
                  report.findings.allSatisfy({ $0.ruleID == "discovery/unknown-document" }) else { return false }
            skipped.append(report.file)
            return true
        }
        if let configuration {
            reports = configuration.suppress(reports, workingDirectory: workingDirectory, today: localToday(), linter: linter)
        }

        let baselined = try applyBaseline(to: reports)

        var run = RunResult(files: baselined.reports, ruleSet: ruleSet, toolVersion: policylintVersion, runFindings: runFindings)
        run.baselinedCount = baselined.count
        run.skippedFiles = skipped
        run.ruleBase = ruleBase.rules.withLock { $0 }

        phaseTimes?("suppress")
        if let output = arguments.output {
            try write(render(run, in: arguments.format, toTerminal: false), to: output, what: "the report")
        } else {
            print(render(run, in: arguments.format, toTerminal: true), terminator: "")
        }
        if let sarif = arguments.sarifOutput { try write(render(run, in: .sarif, toTerminal: false), to: sarif, what: "SARIF") }

        let gone = baselined.gone
        if arguments.baselineStrict && !gone.isEmpty {
            let n = gone.count
            var message = "policylint: --baseline-strict: \(n) finding\(n == 1 ? "" : "s") of the baseline \(n == 1 ? "is" : "are") gone (fixed, or changed so \(n == 1 ? "it no longer matches" : "they no longer match")); "
            message += "write it anew with --write-baseline \(terminalSafe(arguments.baseline ?? "FILE")) so that it only shrinks:\n"
            for e in gone { message += "  \(terminalSafe(e.file)) [\(e.rule)] \(terminalSafe(e.pointer.isEmpty ? "(document)" : e.pointer))\n" }
            writeStandardError(message)
        }

        phaseTimes?("report")
        if !walk.unreadable.isEmpty { return .trouble }
        // Suppressed findings never fail a run; that is what an ignore is for.
        let failing = run.hasUnsuppressedFinding(where: arguments.fails(on:))
        return failing || (arguments.baselineStrict && !gone.isEmpty) ? .failed : .passed
    }

    /// Display name: the path as given, without a leading "./".
    func displayName(_ path: String) -> String {
        if path == "-" { return arguments.stdinFilename ?? "<stdin>" }
        return path.hasPrefix("./") ? String(path.dropFirst(2)) : path
    }

    func realFolder(of path: String) -> String {
        realPath(ProjectPath.folder(of: ProjectPath.absolute(path, workingDirectory: workingDirectory)))
    }

    /// --config FILE, or the nearest .policylint.json upward from the folder the linted paths
    /// share (else from the working directory); nil when there is none.
    func loadConfiguration() throws(CommandError) -> Configuration? {
        func isFile(_ path: String) -> Bool {
            var isDirectory = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory
        }
        func isDirectory(_ path: String) -> Bool {
            var isDirectory = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory
        }
        guard let found = arguments.configFile.map({ (path: $0, shown: $0) })
            ?? Configuration.search(for: arguments.paths, workingDirectory: workingDirectory, isDirectory: isDirectory, exists: isFile) else { return nil }
        let bytes: [UInt8]
        do { bytes = try readFile(found.path) } catch { throw CommandError("cannot read the configuration \(found.shown): \(error.reason)") }
        do {
            return try Configuration.load(file: found.shown, folder: realFolder(of: found.path), bytes: bytes, ruleSet: ruleSet)
        } catch let error as ConfigurationError {
            throw CommandError("broken configuration: \(error.description)")
        } catch {
            throw CommandError("broken configuration: \(error)")
        }
    }

    /// The reports without the findings the baseline holds: with --baseline FILE, those of that
    /// file; with --write-baseline FILE, the current findings, written there first (and so none
    /// of them is reported). `gone`: the baseline's findings the run no longer has.
    func applyBaseline(to reports: [FileReport]) throws(CommandError) -> (reports: [FileReport], count: Int, gone: [Baseline.Entry]) {
        var reports = reports
        var baselined = 0
        var gone: [Baseline.Entry] = []
        if let path = arguments.baseline {
            let bytes: [UInt8]
            do { bytes = try readFile(path) } catch { throw CommandError("cannot read the baseline \(path): \(error.reason)") }
            let baseline: Baseline
            do { baseline = try Baseline.load(file: path, bytes: bytes) } catch let error as ConfigurationError {
                throw CommandError("broken baseline: \(error.description)")
            } catch {
                throw CommandError("broken baseline: \(error)")
            }
            let applied = baseline.apply(to: reports, folder: realFolder(of: path), workingDirectory: workingDirectory)
            gone = applied.gone
            if arguments.writeBaseline == nil { reports = applied.reports; baselined = applied.baselined }
        }
        if let path = arguments.writeBaseline {
            let folder = realFolder(of: path)
            let baseline = Baseline(reports: reports, folder: folder, workingDirectory: workingDirectory)
            do { try writeFileAtomically(path, Array(baseline.render().utf8)) } catch { throw CommandError("cannot write the baseline \(path): \(error.reason)") }
            let n = baseline.entries.count
            writeStandardError("policylint: wrote \(n) finding\(n == 1 ? "" : "s") to the baseline \(terminalSafe(path))\n")
            let applied = baseline.apply(to: reports, folder: folder, workingDirectory: workingDirectory)
            reports = applied.reports
            baselined = applied.baselined
        }
        return (reports, baselined, gone)
    }

    /// The report in `format` (the parser accepts only formats that write a run); colour only
    /// on a terminal that shows it.
    func render(_ run: RunResult, in format: ReportFormat, toTerminal: Bool) -> String {
        let env = ProcessInfo.processInfo.environment
        var options = ReportOptions()
        options.color = toTerminal && isatty(1) != 0 && (env["NO_COLOR"] ?? "").isEmpty && env["TERM"] != "dumb"
        options.showSuppressed = arguments.showSuppressed
        options.omitSuppressed = arguments.omitSuppressed
        options.sarifMaxResults = arguments.sarifMaxResults == 0 ? nil : arguments.sarifMaxResults
        options.baseURI = uriEncodedDirectory(workingDirectory)
        options.failLevel = arguments.failLevel
        return format.reporter(options)?.render(run) ?? ""
    }

    func write(_ text: String, to path: String, what: String) throws(CommandError) {
        do { try writeFileAtomically(path, Array(text.utf8)) } catch { throw CommandError("cannot write \(what) to \(path): \(error.reason)") }
    }
}

/// The files a lint run reads, found from the paths named: directories recurse into JSON files
/// (hidden files and folders skipped), symlink loops are visited once. What cannot be read is
/// said on standard error as it is met, and the walk goes on.
struct InputWalk {
    /// `origin`: the named path a file was found under, so that a named directory holding no
    /// JSON file is known.
    struct Input { var path: String; var explicit: Bool; var origin: Int }
    var unreadable: [String] = []
    // Each directory (by its real path) with the named path it was first walked under, and the
    // named paths whose walk met a directory another one had walked: they share its files.
    var visitedDirectories: [String: Int] = [:]
    var sharedDirectories: [Int: Set<Int>] = [:]
    var namedDirectories: Set<Int> = [], unreadableDirectories: Set<Int> = []
    /// How many more directories the walk may enter; nil: no limit. The language server walks a
    /// workspace the editor names, which may be a home folder or `/`.
    var directoriesLeft: Int?

    mutating func collect(_ path: String, explicit: Bool, origin: Int, into inputs: inout [Input]) {
        if path == "-" { inputs.append(Input(path: path, explicit: true, origin: origin)); return }
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            // Found inside a directory, a broken or looping symbolic link matters only if
            // it would have been linted: like any other entry, only a JSON one.
            if !explicit && !isWalkedName(path) { return }
            unreadable.append(path)
            var reason = code == ENOENT ? "no such file or directory" : String(cString: strerror(code))
            var link = stat()
            if lstat(path, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK {
                // ENOENT: it points at nothing; ELOOP: it points (in the end) at itself.
                reason = "a symbolic link that leads nowhere (\(String(cString: strerror(code))))"
            }
            writeStandardError("policylint: \(terminalSafe(path)): \(reason)\n")
            return
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            if explicit || isWalkedName(path) { inputs.append(Input(path: path, explicit: explicit, origin: origin)) }
            return
        }
        if explicit { namedDirectories.insert(origin) }
        let real = realPath(path)
        if let first = visitedDirectories[real] {
            if first != origin { sharedDirectories[origin, default: []].insert(first) }
            return
        }
        visitedDirectories[real] = origin
        if let left = directoriesLeft {
            guard left > 0 else { return }
            directoriesLeft = left - 1
        }
        let entries: [String]
        do { entries = try directoryEntries(path) } catch {
            unreadable.append(path)
            if explicit { unreadableDirectories.insert(origin) }  // said here, not again as empty
            writeStandardError("policylint: \(terminalSafe(path)): cannot read the directory: \(error.reason)\n")
            return
        }
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            collect(path.hasSuffix("/") ? path + entry : path + "/" + entry, explicit: false, origin: origin, into: &inputs)
        }
    }
}

/// With POLICYLINT_PHASE_TIMES set, the end of each step of a lint run on standard error, as
/// seconds of the monotonic clock: where a run's time goes (policylint-bench prints it).
let phaseTimes: (@Sendable (String) -> Void)? = {
    guard getenv("POLICYLINT_PHASE_TIMES") != nil else { return nil }
    return { phase in
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        writeStandardError("policylint: phase \(phase) \(Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)\n")
    }
}()

/// The rule base a run read, kept for the report.
final class RuleBaseKept: Sendable {
    let rules = Mutex<[EffectiveRule]>([])
}

/// With POLICYLINT_PHASE_TIMES set, how long each run check took, on standard error.
let checkTimes: (@Sendable (String, Double) -> Void)? = {
    guard getenv("POLICYLINT_PHASE_TIMES") != nil else { return nil }
    return { name, seconds in writeStandardError("policylint: check \(name) \(seconds)\n") }
}()

/// Today in the local time zone: an ignore that `expires` on a day works until that day ends
/// where its author is.
func localToday() -> CalendarDate {
    var now = time(nil)
    var parts = tm()
    localtime_r(&now, &parts)
    return CalendarDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
}
