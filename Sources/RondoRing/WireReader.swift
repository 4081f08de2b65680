/// Little-endian reads from a byte array that throw instead of reading past the end.
struct WireReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func require(_ count: Int) throws(RingDecodeError) {
        guard count >= 0, count <= remaining else { throw .truncated(offset: offset, needed: count) }
    }

    mutating func readBytes(_ count: Int) throws(RingDecodeError) -> ArraySlice<UInt8> {
        try require(count)
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func read<Value: FixedWidthInteger & UnsignedInteger>(_: Value.Type) throws(RingDecodeError) -> Value {
        let size = MemoryLayout<Value>.size
        try require(size)
        var value: Value = 0
        for index in 0..<size { value |= Value(bytes[offset + index]) << (8 * index) }
        offset += size
        return value
    }
}

/// Little-endian appends to a byte array.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value) {
        for index in 0..<MemoryLayout<Value>.size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    mutating func write(bytes more: some Sequence<UInt8>) {
        bytes.append(contentsOf: more)
    }
}
