import NIOCore

extension MemcachedRequestEncoder {
    /// `set <key> 0 0 <bytes>\r\n<value>\r\n` with the given value, for a verifying run whose
    /// values differ per write (the fixed-value `encode(_:into:)` cannot carry a write number).
    public func encodeSet(keyIndex: Int, value: VerifiedValue, valueSizeBytes: Int, into buffer: inout ByteBuffer) {
        let bytes = value.bytes(sizeBytes: valueSizeBytes)
        buffer.writeString("set ")
        writeKey(keyIndex, into: &buffer)
        buffer.writeString(" 0 0 \(bytes.count)\r\n")
        buffer.writeBytes(bytes)
        buffer.writeString("\r\n")
    }

    /// `get <key>\r\n`.
    public func encodeGet(keyIndex: Int, into buffer: inout ByteBuffer) {
        encode(BenchOperation(kind: .get, keyIndex: keyIndex), into: &buffer)
    }
}
