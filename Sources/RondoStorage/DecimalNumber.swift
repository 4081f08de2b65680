import NIOCore

/// The decimal text form of incr/decr values (memcached: unsigned, at most 20 digits, no sign).
enum DecimalNumber {
    static let maximumDigits = 20

    /// Digits only, 1...20 of them, within UInt64; nil otherwise.
    static func parse(_ text: ByteBuffer) -> UInt64? {
        guard (1...maximumDigits).contains(text.readableBytes) else { return nil }
        return text.withUnsafeReadableBytes { bytes -> UInt64? in
            var value: UInt64 = 0
            for byte in bytes {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let (shifted, overflowShift) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowAdd) = shifted.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !overflowShift, !overflowAdd else { return nil }
                value = sum
            }
            return value
        }
    }

    static func text(_ value: UInt64) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: maximumDigits)
        buffer.writeString(String(value))
        return buffer
    }
}
