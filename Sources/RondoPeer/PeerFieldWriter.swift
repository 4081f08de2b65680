import NIOCore
import RondoCore

/// Builds the TLV fields of an outgoing frame. Integers are big-endian and exactly as wide as their
/// type; strings are UTF-8 without terminator.
///
/// Two modes, same bytes: `init()` collects `fields` (for `PeerMessage.frame()` and nested
/// fields), one `ByteBuffer` per integer or string field; `init(appendingTo:)` writes each field's
/// wire form straight after what its buffer holds, allocating nothing per field — the send path
/// (`PeerMessage.encode(into:)`), which runs once per forwarded request and reply.
public struct PeerFieldWriter {
    /// The collected fields; always empty for a writer made with `init(appendingTo:)`.
    public private(set) var fields: [PeerField] = []
    /// Set in appending mode: fields go here in wire form instead of into `fields`.
    private var output: ByteBuffer?
    private let allocator = ByteBufferAllocator()

    public init() {}

    /// A writer that appends each field's wire form to `buffer`; take it back with `finish()`.
    public init(appendingTo buffer: ByteBuffer) {
        output = buffer
    }

    /// The buffer of a writer made with `init(appendingTo:)`, with every field written; an empty
    /// buffer for a collecting writer.
    public mutating func finish() -> ByteBuffer {
        defer { output = nil }
        return output ?? ByteBuffer()
    }

    public mutating func integer<Value: FixedWidthInteger>(_ tag: UInt16, _ value: Value) {
        if output != nil {
            output!.writeInteger(tag)
            output!.writeInteger(UInt32(MemoryLayout<Value>.size))
            output!.writeInteger(value)
            return
        }
        var buffer = allocator.buffer(capacity: MemoryLayout<Value>.size)
        buffer.writeInteger(value)
        fields.append(PeerField(tag: tag, value: buffer))
    }

    public mutating func bool(_ tag: UInt16, _ value: Bool) {
        integer(tag, UInt8(value ? 1 : 0))
    }

    public mutating func string(_ tag: UInt16, _ value: String) {
        if output != nil {
            output!.writeInteger(tag)
            output!.writeInteger(UInt32(value.utf8.count))
            output!.writeString(value)
            return
        }
        fields.append(PeerField(tag: tag, value: allocator.buffer(string: value)))
    }

    public mutating func bytes(_ tag: UInt16, _ value: ByteBuffer) {
        if output != nil {
            output!.writeInteger(tag)
            output!.writeInteger(UInt32(value.readableBytes))
            output!.writeImmutableBuffer(value)
            return
        }
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
        bytes(tag, buffer)
    }

    /// One field per feature, in name order so that equal sets encode to equal bytes.
    public mutating func features(_ tag: UInt16, _ features: Set<FeatureName>) {
        for feature in features.sorted() { string(tag, feature.rawValue) }
    }
}
