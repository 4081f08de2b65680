import NIOCore

/// The keys of a multi-key retrieval, iterated lazily over the line slice so that a `get` allocates
/// no array. Each key is a slice of the receive buffer.
public struct KeyList: Sequence, Sendable, Equatable {
    /// The part of the command line that holds the keys.
    public let line: ByteBuffer

    @inlinable
    public init(line: ByteBuffer) { self.line = line }

    @inlinable
    public func makeIterator() -> LineTokenizer { LineTokenizer(line) }

    public static func == (lhs: KeyList, rhs: KeyList) -> Bool {
        lhs.elementsEqual(rhs)
    }
}
