import NIOCore

/// One meta command (`mg`, `ms`, `md`, `ma`, `me`) after validation.
public struct MetaRequest: Sendable, Equatable {
    /// The key to operate on: base64-decoded when the `b` flag was given.
    public var key: ByteBuffer
    /// The key as sent, echoed by `k` where memcached echoes the encoded form.
    public var wireKey: ByteBuffer
    public var flags: MetaFlags
    /// The flag tokens as sent, so that return flags are echoed in request order.
    public var flagTokens: ByteBuffer

    public init(key: ByteBuffer, wireKey: ByteBuffer, flags: MetaFlags, flagTokens: ByteBuffer) {
        self.key = key
        self.wireKey = wireKey
        self.flags = flags
        self.flagTokens = flagTokens
    }

    /// The flag tokens in request order.
    @inlinable
    public var tokens: LineTokenizer { LineTokenizer(flagTokens) }

    /// `q`: quiet mode.
    @inlinable
    public var quiet: Bool { flags.contains("q") }
}
