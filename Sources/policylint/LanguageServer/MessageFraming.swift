#if canImport(Glibc)
import Glibc
#endif

/// The Language Server Protocol's base protocol on a file descriptor: each message is a
/// `Content-Length: N` header (others, such as `Content-Type`, are allowed and ignored), an empty
/// line, and N bytes of JSON.
struct MessageReader {
    enum Frame: Equatable {
        case message([UInt8])
        /// A header without a usable Content-Length; the reader has skipped it.
        case malformed(String)
        case end
    }

    /// A message larger than this is refused rather than buffered: no editor sends one, and
    /// a wrong length must not make the server take all memory.
    static let largestMessage = 256 << 20

    let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// The next frame, reading as much as it needs.
    mutating func next() -> Frame {
        while true {
            if let frame = frameInBuffer() { return frame }
            if atEnd { return .end }
            fill()
        }
    }

    /// Whether a whole message is already buffered or input is waiting: the server then reads
    /// it before linting, so that a burst of edits is linted once, at its last version.
    mutating func hasPendingInput() -> Bool {
        if start < buffer.count { return true }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) > 0 && poller.revents & Int16(POLLIN | POLLHUP) != 0
    }

    private mutating func fill() {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let n = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if n > 0 { buffer.append(contentsOf: chunk[0..<n]) }
        else if n == 0 || (errno != EINTR && errno != EAGAIN) { atEnd = true }
    }

    /// A whole frame at the front of the buffer, or nil when more bytes are needed.
    private mutating func frameInBuffer() -> Frame? {
        guard let headerEnd = Self.headerEnd(in: buffer, from: start) else {
            // No header end yet. At the end of input, what is left is no message.
            if atEnd && start < buffer.count {
                start = buffer.count
                return .malformed("the input ended inside a message header")
            }
            return nil
        }
        let header = String(decoding: buffer[start..<headerEnd], as: UTF8.self)
        var length: Int?
        for line in header.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { continue }
            length = Int(parts[1].trimmingPrefix(while: { $0 == " " || $0 == "\t" }).prefix { $0 != " " && $0 != "\t" })
        }
        guard let length, length >= 0, length <= Self.largestMessage else {
            start = headerEnd + 4
            return .malformed(length == nil ? "a message header without a Content-Length" : "a Content-Length of \(length!) bytes")
        }
        let bodyStart = headerEnd + 4
        guard buffer.count - bodyStart >= length else {
            if atEnd {
                start = buffer.count
                return .malformed("the input ended inside a message")
            }
            return nil
        }
        start = bodyStart + length
        return .message(Array(buffer[bodyStart..<start]))
    }

    /// Where the blank line after a header starts (`\r\n\r\n`).
    static func headerEnd(in bytes: [UInt8], from: Int) -> Int? {
        var i = from
        while i + 4 <= bytes.count {
            if bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }
}

/// Writes framed messages, whole, to a file descriptor.
struct MessageWriter {
    let descriptor: Int32

    func send(_ message: String) {
        var bytes = Array("Content-Length: \(message.utf8.count)\r\n\r\n".utf8) + Array(message.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }  // the client is gone: the next read ends the loop
            written += n
        }
    }
}
