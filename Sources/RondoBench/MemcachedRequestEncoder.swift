import NIOCore

/// Writes classic text-protocol requests straight into a `ByteBuffer`. Everything that does not
/// depend on the key is encoded once up front; the key is the prefix bytes plus the index's decimal
/// digits, written in place, so the hot path neither formats strings nor allocates.
public struct MemcachedRequestEncoder: Sendable {
    private let keyPrefix: [UInt8]
    /// ` 0 0 <bytes>\r\n<data>\r\n`: flags 0, no expiry, the value and its terminator.
    private let setTail: [UInt8]

    public init(keyPrefix: String, valueSizeBytes: Int) {
        self.keyPrefix = Array(keyPrefix.utf8)
        var tail = Array(" 0 0 \(valueSizeBytes)\r\n".utf8)
        tail.reserveCapacity(tail.count + valueSizeBytes + 2)
        // A readable repeating pattern: easy to recognise in a packet capture.
        for offset in 0..<valueSizeBytes {
            tail.append(UInt8(ascii: "a") &+ UInt8(offset % 26))
        }
        tail.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")])
        setTail = tail
    }

    /// Bytes one request of this kind takes at most, for sizing the batch buffer.
    public var setRequestBytesMax: Int { 4 + keyPrefix.count + 20 + setTail.count }

    public func encode(_ operation: BenchOperation, into buffer: inout ByteBuffer) {
        switch operation.kind {
        case .get:
            buffer.writeInteger(Self.getCommand)
            writeKey(operation.keyIndex, into: &buffer)
            buffer.writeInteger(Self.lineEnd)
        case .set:
            buffer.writeInteger(Self.setCommand)
            writeKey(operation.keyIndex, into: &buffer)
            buffer.writeBytes(setTail)
        }
    }

    /// The key's bytes, for callers that need to compare against a `VALUE` line.
    public func key(_ keyIndex: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        writeKey(keyIndex, into: &buffer)
        return buffer
    }

    func writeKey(_ keyIndex: Int, into buffer: inout ByteBuffer) {
        buffer.writeBytes(keyPrefix)
        var digitCount = 1
        var remaining = keyIndex / 10
        while remaining > 0 {
            digitCount += 1
            remaining /= 10
        }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: digitCount) { bytes in
            var value = keyIndex
            for position in stride(from: digitCount - 1, through: 0, by: -1) {
                bytes[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            return digitCount
        }
    }

    // Written as big-endian integers: one store instead of a byte loop.
    private static let getCommand: UInt32 = 0x6765_7420  // "get "
    private static let setCommand: UInt32 = 0x7365_7420  // "set "
    private static let lineEnd: UInt16 = 0x0D0A  // "\r\n"
}
