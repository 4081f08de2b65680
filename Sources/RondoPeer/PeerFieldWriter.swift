import NIOCore
import RondoCore

/// Builds the TLV fields of an outgoing frame. Integers are big-endian and exactly as wide as their
/// type; strings are UTF-8 without terminator.
public struct PeerFieldWriter {
    public private(set) var fields: [PeerField] = []
    private let allocator = ByteBufferAllocator()

    public init() {}

    public mutating func integer<Value: FixedWidthInteger>(_ tag: UInt16, _ value: Value) {
        var buffer = allocator.buffer(capacity: MemoryLayout<Value>.size)
        buffer.writeInteger(value)
        fields.append(PeerField(tag: tag, value: buffer))
    }

    public mutating func bool(_ tag: UInt16, _ value: Bool) {
        integer(tag, UInt8(value ? 1 : 0))
    }

    public mutating func string(_ tag: UInt16, _ value: String) {
        fields.append(PeerField(tag: tag, value: allocator.buffer(string: value)))
    }

    public mutating func bytes(_ tag: UInt16, _ value: ByteBuffer) {
        fields.append(PeerField(tag: tag, value: value))
    }

    /// `MAJOR.MINOR.PATCH` as text: readable in a packet capture and free of width limits.
    public mutating func softwareVersion(_ tag: UInt16, _ version: SemanticVersion) {
        string(tag, version.description)
    }

    /// u16 lowest, u16 highest.
    public mutating func protocolVersions(_ tag: UInt16, _ range: ClosedRange<UInt16>) {
        var buffer = allocator.buffer(capacity: 4)
        buffer.writeInteger(range.lowerBound)
        buffer.writeInteger(range.upperBound)
        fields.append(PeerField(tag: tag, value: buffer))
    }

    /// One field per feature, in name order so that equal sets encode to equal bytes.
    public mutating func features(_ tag: UInt16, _ features: Set<FeatureName>) {
        for feature in features.sorted() { string(tag, feature.rawValue) }
    }
}
