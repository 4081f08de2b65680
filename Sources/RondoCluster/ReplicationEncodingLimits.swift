/// What a decoder accepts from a peer before allocating for it.
public struct ReplicationEncodingLimits: Sendable, Hashable {
    /// memcached's key limit; keys are never empty.
    public static let keyBytesMax = 250

    public var entriesPerBodyMax: Int
    /// The largest value; set it to the store's `maxItemBytes`.
    public var valueBytesMax: Int

    public init(entriesPerBodyMax: Int = 65_536, valueBytesMax: Int = 1 << 20) {
        precondition(entriesPerBodyMax >= 1 && valueBytesMax >= 0)
        self.entriesPerBodyMax = entriesPerBodyMax
        self.valueBytesMax = valueBytesMax
    }

    public static let `default` = ReplicationEncodingLimits()
}
