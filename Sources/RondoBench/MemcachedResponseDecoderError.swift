/// A reply the decoder cannot frame. A value, not a crash: the connection closes and reconnects, and
/// the run counts it. Keeps at most `offendingBytesMax` of the bad bytes for the error message.
public struct MemcachedResponseDecoderError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Equatable, Sendable {
        case lineTooLong = "line too long"
        case missingCarriageReturn = "line not ended by \\r\\n"
        case unknownResponse = "unknown response"
        case malformedValueHeader = "malformed VALUE line"
        case valueTooLarge = "value larger than allowed"
        case badDataTerminator = "data block not ended by \\r\\n"
    }

    public static let offendingBytesMax = 64

    public var code: Code
    public var offendingBytes: [UInt8]

    public init(code: Code, offendingBytes: some Sequence<UInt8>) {
        self.code = code
        self.offendingBytes = Array(offendingBytes.prefix(Self.offendingBytesMax))
    }

    public var description: String {
        "\(code.rawValue): \(String(decoding: offendingBytes, as: UTF8.self).debugDescription)"
    }
}
