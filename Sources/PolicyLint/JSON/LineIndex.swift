#if canImport(Glibc)
import Glibc
#endif

/// A line and column, both 1-based; columns count Unicode scalars (SARIF `unicodeCodePoints`).
public struct SourcePosition: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public static func < (a: Self, b: Self) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// Offsets where lines start, built once per file that has findings. `\n`, `\r\n` and a lone
/// `\r` each end a line, as editors count them.
struct LineIndex: Sendable {
    /// 32 bits each: the parser reads no file of 4 GiB or more, and a large export has millions
    /// of lines (this index was a fifth of the peak memory with Int).
    let lineStarts: [UInt32]
    let bytes: [UInt8]

    /// A document's line index: the line starts its parser met, or found anew.
    init(_ doc: JSONDocument) {
        if let starts = doc.lineStarts { self.init(doc.bytes, lineStarts: starts) } else { self.init(doc.bytes) }
    }

    init(_ bytes: [UInt8], lineStarts: [UInt32]) {
        self.bytes = bytes
        self.lineStarts = lineStarts
    }

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // Without any '\r' (most files), the line starts of large pieces of the file are found
        // on every core, eight bytes at a time; with one, line by line as editors count them.
        let pieces = bytes.count >= 4 << 20 ? 8 : 1
        let found = bytes.withUnsafeBufferPointer { s in
            ParallelMap.map(Array(0..<pieces)) { i in
                Self.newlineStarts(s, s.count * i / pieces..<s.count * (i + 1) / pieces)
            }
        }
        if found.allSatisfy({ $0 != nil }) {
            var starts: [UInt32] = [0]
            starts.reserveCapacity(found.reduce(1) { $0 + $1!.count })
            for piece in found { starts += piece! }
            lineStarts = starts
            return
        }
        var starts: [UInt32] = [0]
        bytes.withUnsafeBufferPointer { s in
            var i = 0
            let n = s.count
            while i < n {
                let b = s[i]
                if b == 0x0A {
                    starts.append(UInt32(truncatingIfNeeded: i + 1))
                } else if b == 0x0D {
                    if i + 1 < n && s[i + 1] == 0x0A { i += 1 }
                    starts.append(UInt32(truncatingIfNeeded: i + 1))
                }
                i += 1
            }
        }
        lineStarts = starts
    }

    /// The offsets after each '\n' in `range`, or nil if it holds a '\r'. Eight bytes at a
    /// time: a byte-by-byte loop cost as much as parsing, and memchr per line nearly as much.
    static func newlineStarts(_ s: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt32]? {
        var starts: [UInt32] = []
        starts.reserveCapacity(range.count / 32)
        let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        /// The high bit of each byte of `w` equal to `byte`'s (exact: no borrow between bytes).
        @inline(__always) func matches(_ w: UInt64, _ pattern: UInt64) -> UInt64 {
            let x = w ^ pattern
            return ~(((x & lows) &+ lows) | x | lows)
        }
        var i = range.lowerBound
        if let base = s.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= range.upperBound {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                if matches(w, 0x0D0D_0D0D_0D0D_0D0D) != 0 { return nil }
                var newlines = matches(w, 0x0A0A_0A0A_0A0A_0A0A)
                while newlines != 0 {
                    starts.append(UInt32(truncatingIfNeeded: i + newlines.trailingZeroBitCount / 8 + 1))
                    newlines &= newlines &- 1
                }
                i += 8
            }
        }
        while i < range.upperBound {
            if s[i] == 0x0D { return nil }
            if s[i] == 0x0A { starts.append(UInt32(truncatingIfNeeded: i + 1)) }
            i += 1
        }
        return starts
    }

    /// The 0-based line holding a byte offset.
    func lineNumber(of offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if Int(lineStarts[mid]) <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// The bytes of a 0-based line, without its line break.
    func lineRange(_ line: Int) -> Range<Int> {
        var start = Int(lineStarts[line])
        if line == 0 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var end = line + 1 < lineStarts.count ? Int(lineStarts[line + 1]) : bytes.count
        while end > start && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D) { end -= 1 }
        return start..<end
    }

    func position(of offset: Int) -> SourcePosition {
        let offset = min(max(0, offset), bytes.count)
        let line = lineNumber(of: offset)
        let lineStart = lineRange(line).lowerBound
        // Count scalars: every byte that is not a UTF-8 continuation byte starts one.
        var column = 1
        var i = lineStart
        while i < offset { if bytes[i] & 0xC0 != 0x80 { column += 1 }; i += 1 }
        return SourcePosition(line: line + 1, column: column)
    }

    /// The position of one offset, counted from the start of the input in one pass, exactly as
    /// `position(of:)` counts it: for a single place named in a message, where building an index
    /// would cost more.
    static func position(in s: UnsafeBufferPointer<UInt8>, of rawOffset: Int) -> SourcePosition {
        let offset = min(max(0, rawOffset), s.count)
        var line = 0, lineStart = 0, i = 0
        while i < offset {
            let b = s[i]
            if b == 0x0A {
                line += 1; lineStart = i + 1
            } else if b == 0x0D {
                // A "\r\n" ends its line after the '\n'; the '\n' itself is still on this line.
                if i + 1 < s.count && s[i + 1] == 0x0A {
                    if i + 1 == offset { break }
                    i += 1
                }
                line += 1; lineStart = i + 1
            }
            i += 1
        }
        return position(in: s, of: offset, line: line, lineStart: lineStart)
    }

    /// The position of an offset on a known 0-based line that starts at `lineStart`.
    static func position(in s: UnsafeBufferPointer<UInt8>, of offset: Int, line: Int, lineStart: Int) -> SourcePosition {
        var start = lineStart
        if line == 0 && s.count >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF { start = 3 }
        var column = 1
        var i = start
        while i < offset { if s[i] & 0xC0 != 0x80 { column += 1 }; i += 1 }
        return SourcePosition(line: line + 1, column: column)
    }

    /// Positions for nearby offsets, each counted from the last (forward, or back along the
    /// same line): a minified export is one long line, and counting each column from its line
    /// start would make many findings on it quadratic.
    struct Cursor {
        let index: LineIndex
        var line = -1
        var offset = 0
        var column = 1

        init(_ index: LineIndex) { self.index = index }

        mutating func position(of rawOffset: Int) -> SourcePosition {
            let target = min(max(0, rawOffset), index.bytes.count)
            let targetLine = index.lineNumber(of: target)
            if targetLine != line {
                line = targetLine
                offset = index.lineRange(targetLine).lowerBound
                column = 1
                if target < offset { return SourcePosition(line: line + 1, column: 1) }
            }
            index.bytes.withUnsafeBufferPointer { b in
                var i = offset, c = column
                while i < target { if b[i] & 0xC0 != 0x80 { c += 1 }; i += 1 }
                // Back along the line (a fix that also removes the comma before a member).
                let lineStart = index.lineRange(line).lowerBound
                while i > max(target, lineStart) { i -= 1; if b[i] & 0xC0 != 0x80 { c -= 1 } }
                offset = i
                column = c
            }
            return SourcePosition(line: line + 1, column: column)
        }
    }
}
