import NIOCore

/// The decimal text form of incr/decr values, read and written the way memcached does so that
/// clients see the same bytes: memcached parses with `strtoull` (leading white space skipped, the
/// digits must end at white space or the end) and rewrites a shorter result *in place*, padding
/// with spaces to the old length (`decr` of "10" by 1 reads back as "9 ").
enum DecimalNumber {
    /// A parsed value; nil when there is no digit, a digit run overflows UInt64, or the digits are
    /// followed by anything but white space.
    static func parse(_ text: ByteBuffer) -> UInt64? {
        text.withUnsafeReadableBytes { bytes -> UInt64? in
            var index = 0
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            var value: UInt64 = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (shifted, overflowShift) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowAdd) = shifted.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
                guard !overflowShift, !overflowAdd else { return nil }
                value = sum
                digits += 1
                index += 1
            }
            guard digits > 0, index == bytes.count || isSpace(bytes[index]) else { return nil }
            return value
        }
    }

    /// The value's digits, padded with spaces to `paddedLength` when they are shorter.
    static func text(_ value: UInt64, paddedTo paddedLength: Int = 0) -> ByteBuffer {
        let digits = String(value).utf8
        var buffer = ByteBufferAllocator().buffer(capacity: max(digits.count, paddedLength))
        buffer.writeBytes(digits)
        if paddedLength > digits.count {
            buffer.writeRepeatingByte(UInt8(ascii: " "), count: paddedLength - digits.count)
        }
        return buffer
    }

    /// C's `isspace` in the "C" locale.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (byte >= 0x09 && byte <= 0x0d)
    }
}
