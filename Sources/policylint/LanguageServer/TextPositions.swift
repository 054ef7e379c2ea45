/// Byte offsets of a document's UTF-8 text and the Language Server Protocol's positions: a
/// line and a character counted in UTF-16 code units (the protocol's default encoding), so a
/// character outside the Basic Multilingual Plane counts twice. Lines end at `\n`, `\r\n` or a
/// lone `\r`, as the protocol and policylint's own positions count them.
struct TextPositions {
    let bytes: [UInt8]
    let lineStarts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A {
                starts.append(i + 1)
            } else if bytes[i] == 0x0D {
                if i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        lineStarts = starts
    }

    /// The 0-based line and UTF-16 character of a byte offset (clamped to the text).
    func position(of offset: Int) -> (line: Int, character: Int) {
        let offset = max(0, min(offset, bytes.count))
        // The last line starting at or before the offset.
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        var units = 0
        for i in lineStarts[low]..<offset { units += Self.utf16Units(leading: bytes[i]) }
        return (low, units)
    }

    /// The byte offset of a position; a character past the line's end is its end (as the
    /// protocol says), a line past the last is the end of the text.
    func offset(line: Int, character: Int) -> Int {
        guard line >= 0 else { return 0 }
        guard line < lineStarts.count else { return bytes.count }
        let end = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count
        var i = lineStarts[line], units = 0
        while i < end && units < character && bytes[i] != 0x0A && bytes[i] != 0x0D {
            units += Self.utf16Units(leading: bytes[i])
            i += 1
            while i < end && bytes[i] & 0xC0 == 0x80 { i += 1 }
        }
        return i
    }

    /// The byte offset of a 1-based line and a column counting Unicode code points (policylint's
    /// own positions, as related locations carry them).
    func offset(line: Int, codePointColumn column: Int) -> Int {
        guard line >= 1, line <= lineStarts.count else { return line < 1 ? 0 : bytes.count }
        var i = lineStarts[line - 1], points = 1
        while i < bytes.count && points < column && bytes[i] != 0x0A && bytes[i] != 0x0D {
            i += 1
            while i < bytes.count && bytes[i] & 0xC0 == 0x80 { i += 1 }
            points += 1
        }
        return i
    }

    /// How many UTF-16 code units the scalar a UTF-8 byte starts takes: none for a
    /// continuation byte, two for a four-byte sequence. (An invalid byte counts as one, as
    /// the replacement character an editor shows for it.)
    static func utf16Units(leading byte: UInt8) -> Int {
        byte & 0xC0 == 0x80 ? 0 : byte >= 0xF0 ? 2 : 1
    }
}
