import NIOCore

/// Splits a command line into space-separated tokens, each a slice of the receive buffer (no copies).
/// memcached separates tokens by spaces only (a tab is part of a token) and skips repeated spaces.
public struct LineTokenizer: IteratorProtocol, Sendable {
    @usableFromInline var rest: ByteBuffer

    @inlinable
    public init(_ line: ByteBuffer) { self.rest = line }

    /// The unread part of the line, starting at the next token (leading spaces skipped).
    @inlinable
    public var remainder: ByteBuffer {
        var copy = self
        copy.skipSpaces()
        return copy.rest
    }

    @inlinable
    mutating func skipSpaces() {
        let spaces = rest.withUnsafeReadableBytes { bytes in
            var index = 0
            while index < bytes.count && bytes[index] == UInt8(ascii: " ") { index += 1 }
            return index
        }
        rest.moveReaderIndex(forwardBy: spaces)
    }

    @inlinable
    public mutating func next() -> ByteBuffer? {
        skipSpaces()
        let length = rest.withUnsafeReadableBytes { bytes in
            var index = 0
            while index < bytes.count && bytes[index] != UInt8(ascii: " ") { index += 1 }
            return index
        }
        guard length > 0 else { return nil }
        return rest.readSlice(length: length)
    }

    /// Number of tokens left, without consuming them.
    @inlinable
    public var remainingCount: Int {
        var copy = self
        var count = 0
        while copy.next() != nil { count += 1 }
        return count
    }
}
