/// A path pattern from the configuration: `*` matches within one folder name, `**` matches any
/// number of whole folders (none included), `?` matches one character other than `/`. A pattern
/// matches the whole path: `*.json` only files at the top, `**/*.json` files at any depth,
/// `legacy/**` everything under `legacy`. Paths are relative to the configuration's folder; a
/// file outside it has only its absolute path, which only a pattern starting with `/` or `**` matches.
struct PathGlob: Sendable, Equatable, CustomStringConvertible {
    let pattern: String
    private let segments: [Substring]
    private let isAbsolute: Bool

    init(_ pattern: String) {
        self.pattern = pattern
        isAbsolute = pattern.hasPrefix("/")
        segments = ProjectPath.segments(pattern).map { Substring($0) }
    }

    var description: String { pattern }

    /// Whether the glob matches a path given relative to the folder the pattern is relative to.
    func matches(_ path: String) -> Bool {
        guard isAbsolute == path.hasPrefix("/") || segments.first == "**" else { return false }
        let parts = ProjectPath.segments(path).map { Substring($0) }
        return Self.match(segments[...], parts[...])
    }

    /// Segment by segment; `**` tries every number of folders. Patterns are short, so the
    /// backtracking stays cheap.
    private static func match(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            var remaining = path
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let segment = path.first, matchSegment(Array(first.unicodeScalars)[...], Array(segment.unicodeScalars)[...]) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    private static func matchSegment(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let p = pattern.first else { return name.isEmpty }
        switch p {
        case "*":
            var remaining = name
            while true {
                if matchSegment(pattern.dropFirst(), remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        case "?":
            return !name.isEmpty && matchSegment(pattern.dropFirst(), name.dropFirst())
        default:
            return name.first == p && matchSegment(pattern.dropFirst(), name.dropFirst())
        }
    }
}

/// Paths as the configuration and the baseline see them: relative to the folder of the file
/// that names them, so that they mean the same wherever policylint runs from.
public enum ProjectPath {
    /// The folder names of a path, with `.` and empty names dropped and `..` applied.
    static func segments(_ path: String) -> [String] {
        var out: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = out.last, last != ".." { out.removeLast(); continue }
            out.append(String(part))
        }
        return out
    }

    /// An absolute, normalised path: `path` taken relative to `workingDirectory` unless it is
    /// absolute already.
    public static func absolute(_ path: String, workingDirectory: String) -> String {
        let joined = path.hasPrefix("/") ? path : workingDirectory + "/" + path
        return "/" + segments(joined).filter { $0 != ".." }.joined(separator: "/")
    }

    /// `file` (as given on the command line) relative to `folder` (absolute); a file outside
    /// the folder keeps its absolute path.
    static func relative(_ file: String, to folder: String, workingDirectory: String) -> String {
        let target = segments(absolute(file, workingDirectory: workingDirectory))
        let base = segments(absolute(folder, workingDirectory: workingDirectory))
        guard target.count > base.count, Array(target.prefix(base.count)) == base else {
            return "/" + target.joined(separator: "/")
        }
        return target.dropFirst(base.count).joined(separator: "/")
    }

    /// An absolute path as a message shows it: relative to the working directory when it is
    /// inside it or in a folder above it (`../.policylint.json`), else absolute.
    public static func shown(_ path: String, workingDirectory: String) -> String {
        let target = segments(path), base = segments(workingDirectory)
        let shared = zip(target, base).prefix { $0 == $1 }.count
        if shared == base.count { return target.dropFirst(shared).joined(separator: "/") }
        if shared == target.count - 1 { return String(repeating: "../", count: base.count - shared) + target.last! }
        return "/" + target.joined(separator: "/")
    }

    /// The folder part of a path (`.` for a bare name).
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
