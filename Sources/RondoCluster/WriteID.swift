/// The caller's name for one write waiting for replica acks; unique among the writes it has pending.
public struct WriteID: Sendable, Hashable, CustomStringConvertible {
    public var value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    public var description: String { "w\(value)" }
}
