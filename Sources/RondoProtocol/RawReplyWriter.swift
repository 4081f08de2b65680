/// Writes reply pieces into raw bytes that the caller reserved in one step (see
/// `CommandEngine.writeValue`), instead of one `ByteBuffer` write per piece, each of which checks
/// uniqueness and capacity again. Every function returns the index after what it wrote; the caller
/// sizes the reservation with `decimalDigitCount` and the pieces' lengths.
public enum RawReplyWriter {
    /// Digits of `value` in decimal (1 for 0).
    @inlinable
    public static func decimalDigitCount(_ value: UInt64) -> Int {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        return count
    }

    /// Writes `value` as exactly `digits` decimal digits (`digits == decimalDigitCount(value)`).
    @inlinable
    public static func writeDecimal(_ value: UInt64, digits: Int, to target: UnsafeMutableRawBufferPointer, at start: Int) -> Int {
        precondition(start >= 0 && start + digits <= target.count, "reply reservation too small")
        var remaining = value
        var index = start + digits - 1
        while index >= start {
            target[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
            remaining /= 10
            index -= 1
        }
        return start + digits
    }

    @inlinable
    public static func copy(_ bytes: UnsafeRawBufferPointer, to target: UnsafeMutableRawBufferPointer, at start: Int) -> Int {
        precondition(start >= 0 && start + bytes.count <= target.count, "reply reservation too small")
        if let source = bytes.baseAddress, bytes.count > 0 {
            (target.baseAddress! + start).copyMemory(from: source, byteCount: bytes.count)
        }
        return start + bytes.count
    }

    @inlinable
    public static func copy(_ literal: StaticString, to target: UnsafeMutableRawBufferPointer, at start: Int) -> Int {
        copy(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount), to: target, at: start)
    }

    /// Writes one byte.
    @inlinable
    public static func write(_ byte: UInt8, to target: UnsafeMutableRawBufferPointer, at index: Int) -> Int {
        precondition(index >= 0 && index < target.count, "reply reservation too small")
        target[index] = byte
        return index + 1
    }
}
