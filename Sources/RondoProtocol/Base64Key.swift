import NIOCore

/// Decodes the base64 keys of meta commands (`b` flag). memcached accepts only padded standard
/// base64, so a length that is not a multiple of four fails.
enum Base64Key {
    static func decode(_ encoded: ByteBuffer) -> ByteBuffer? {
        let count = encoded.readableBytes
        guard count > 0, count % 4 == 0 else { return nil }
        var output = ByteBuffer()
        output.reserveCapacity(count / 4 * 3)
        let ok = encoded.withUnsafeReadableBytes { bytes -> Bool in
            var index = 0
            while index < count {
                var accumulator: UInt32 = 0
                var padding = 0
                for offset in 0..<4 {
                    let byte = bytes[index + offset]
                    accumulator <<= 6
                    if byte == UInt8(ascii: "=") {
                        // Padding only at the very end, at most two characters.
                        guard index + 4 == count, offset >= 2 else { return false }
                        padding += 1
                    } else {
                        guard padding == 0, let sextet = sextet(byte) else { return false }
                        accumulator |= UInt32(sextet)
                    }
                }
                output.writeInteger(UInt8(truncatingIfNeeded: accumulator >> 16))
                if padding < 2 { output.writeInteger(UInt8(truncatingIfNeeded: accumulator >> 8)) }
                if padding < 1 { output.writeInteger(UInt8(truncatingIfNeeded: accumulator)) }
                index += 4
            }
            return true
        }
        return ok ? output : nil
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}
