import NIOCore

/// Reply building straight into the output buffer: integers become ASCII digits without String.
extension ByteBuffer {
    @inlinable
    public mutating func writeCRLF() {
        writeInteger(UInt16(0x0D0A), endianness: .big, as: UInt16.self)
    }

    /// Writes `literal` followed by CRLF.
    @inlinable
    public mutating func writeLine(_ literal: StaticString) {
        writeStaticString(literal)
        writeCRLF()
    }

    @inlinable
    public mutating func writeDecimal(_ value: UInt64) {
        var digitCount = 1
        var rest = value / 10
        while rest > 0 {
            digitCount += 1
            rest /= 10
        }
        writeWithUnsafeMutableBytes(minimumWritableBytes: digitCount) { target in
            var remaining = value
            var index = digitCount - 1
            while index >= 0 {
                target[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
                index -= 1
            }
            return digitCount
        }
    }

    @inlinable
    public mutating func writeDecimal(_ value: Int64) {
        if value < 0 {
            writeInteger(UInt8(ascii: "-"))
            writeDecimal(value.magnitude)
        } else {
            writeDecimal(UInt64(value))
        }
    }

    @inlinable
    public mutating func writeDecimal(_ value: Int) { writeDecimal(Int64(value)) }

    @inlinable
    public mutating func writeDecimal(_ value: UInt32) { writeDecimal(UInt64(value)) }
}
