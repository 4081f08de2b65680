import NIOCore

/// `incr`/`decr <key> <delta> [noreply]`.
public struct ArithmeticRequest: Sendable, Equatable {
    public var key: ByteBuffer
    public var delta: UInt64
    public var increment: Bool
    public var noreply: Bool

    public init(key: ByteBuffer, delta: UInt64, increment: Bool, noreply: Bool) {
        self.key = key
        self.delta = delta
        self.increment = increment
        self.noreply = noreply
    }
}
