/// Little-endian byte writer for the persisted state.
struct StateWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(bytes more: [UInt8]) {
        bytes.append(contentsOf: more)
    }

    /// A UInt32 length, then the bytes.
    mutating func writeBlob(_ blob: [UInt8]) {
        write(UInt32(blob.count))
        write(bytes: blob)
    }

    mutating func writeString(_ text: String) {
        writeBlob(Array(text.utf8))
    }

    mutating func writeBool(_ value: Bool) {
        write(UInt8(value ? 1 : 0))
    }
}
