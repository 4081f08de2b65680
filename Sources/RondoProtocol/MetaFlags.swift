/// The flags of one meta command, validated and parsed once by the decoder. Which flags were given
/// is a bit set over the ASCII letters; the tokens of the flags that carry a value are parsed here.
/// The order of return flags is not kept here: the engine re-reads `MetaRequest.flagTokens`.
public struct MetaFlags: Sendable, Equatable {
    @usableFromInline var present: UInt64 = 0

    /// `C`: compare CAS.
    public var compareCAS: UInt64 = 0
    /// `T`: new TTL (memcached exptime).
    public var ttl: Int64 = 0
    /// `N`: vivify (mg) / auto-create (ma) with this TTL.
    public var vivifyTTL: Int64 = 0
    /// `R`: recache threshold (accepted, see docs/protocol.md).
    public var recacheTTL: Int64 = 0
    /// `D`: arithmetic delta (default 1).
    public var delta: UInt64 = 1
    /// `J`: arithmetic initial value (default 0).
    public var initial: UInt64 = 0
    /// `F`: client flags.
    public var clientFlags: UInt32 = 0
    /// `M`: mode character.
    public var mode: UInt8 = 0

    public init() {}

    @inlinable
    static func bit(_ flag: UInt8) -> UInt64 {
        let index = flag &- UInt8(ascii: "A")
        return index < 64 ? UInt64(1) << UInt64(index) : 0
    }

    @inlinable
    public func contains(_ flag: Unicode.Scalar) -> Bool {
        present & Self.bit(UInt8(ascii: flag)) != 0
    }

    /// Records a flag; false when it was already present.
    @inlinable
    mutating func insert(_ flag: UInt8) -> Bool {
        let bit = Self.bit(flag)
        guard present & bit == 0 else { return false }
        present |= bit
        return true
    }
}
