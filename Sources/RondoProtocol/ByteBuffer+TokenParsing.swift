import NIOCore

/// Token comparisons and number parsing over slices, never via String.
extension ByteBuffer {
    /// Whether the readable bytes equal the ASCII literal.
    @inlinable
    public func readableBytesEqual(_ literal: StaticString) -> Bool {
        guard readableBytes == literal.utf8CodeUnitCount else { return false }
        return withUnsafeReadableBytes { bytes in
            let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            return bytes.elementsEqual(expected)
        }
    }

    /// Decimal digits only, no sign; nil for anything else or on overflow.
    @inlinable
    public func parseDecimalUInt64() -> UInt64? {
        withUnsafeReadableBytes { bytes -> UInt64? in
            guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
            var value: UInt64 = 0
            for byte in bytes {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte &- UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                value = sum
            }
            return value
        }
    }

    /// An optional `-` then decimal digits; nil for anything else or outside Int64.
    @inlinable
    public func parseDecimalInt64() -> Int64? {
        guard let first = getInteger(at: readerIndex, as: UInt8.self) else { return nil }
        if first == UInt8(ascii: "-") {
            guard let magnitude = getSlice(at: readerIndex + 1, length: readableBytes - 1)?.parseDecimalUInt64(),
                magnitude <= UInt64(Int64.max)
            else { return nil }
            return -Int64(magnitude)
        }
        guard let value = parseDecimalUInt64(), value <= UInt64(Int64.max) else { return nil }
        return Int64(value)
    }

    /// The first readable byte, if any.
    @inlinable
    public var firstReadableByte: UInt8? { getInteger(at: readerIndex, as: UInt8.self) }
}
