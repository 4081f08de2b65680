/// Little-endian reader over untrusted bytes: every read checks what remains, every length is
/// checked against its limit before anything is allocated. Errors, never traps.
struct StateReader {
    private let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(CoordinatorStateDecodeError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw .truncated(offset: offset, needed: size) }
        var value: T = 0
        for index in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + index]) << (8 * index) }
        offset += size
        return value
    }

    mutating func readBytes(_ count: Int) throws(CoordinatorStateDecodeError) -> [UInt8] {
        guard count >= 0, remaining >= count else { throw .truncated(offset: offset, needed: count) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func readBlob(bytesMax: Int, field: String) throws(CoordinatorStateDecodeError) -> [UInt8] {
        let count = Int(try read(UInt32.self))
        guard count <= bytesMax else { throw .fieldOutOfRange(field: field, value: count) }
        return try readBytes(count)
    }

    mutating func readString(bytesMax: Int, field: String) throws(CoordinatorStateDecodeError) -> String {
        let blob = try readBlob(bytesMax: bytesMax, field: field)
        guard let text = String(validating: blob, as: UTF8.self) else { throw .notUTF8(field: field) }
        return text
    }

    mutating func readBool(field: String) throws(CoordinatorStateDecodeError) -> Bool {
        switch try read(UInt8.self) {
        case 0: return false
        case 1: return true
        case let other: throw .fieldOutOfRange(field: field, value: Int(other))
        }
    }

    /// A count of items of at least `itemBytesMin` bytes each, checked against the limit and
    /// against the bytes that remain.
    mutating func readCount(max: Int, itemBytesMin: Int, field: String) throws(CoordinatorStateDecodeError) -> Int {
        let count = Int(try read(UInt32.self))
        guard count <= max, count * itemBytesMin <= remaining else {
            throw .fieldOutOfRange(field: field, value: count)
        }
        return count
    }
}
