import RondoCompression

/// Why bytes or messages from a peer were rejected. Every malformed input ends here as a value with
/// the offending detail, which the connection logs as its close reason; nothing from the wire
/// traps.
public enum PeerProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    // Framing (PeerFrameDecoder).
    /// The length prefix announces a frame larger than `PeerProtocolLimits.frameBytesMax`.
    case frameTooLarge(frameBytes: Int, limitBytes: Int)
    /// The length prefix is smaller than the type and flags that must follow it.
    case frameLengthTooSmall(declaredBytes: UInt32)
    /// The connection ended in the middle of a frame.
    case truncatedFrame(bufferedBytes: Int)
    /// Fewer than 6 bytes remain in the payload where a field header should start.
    case truncatedFieldHeader(messageType: PeerMessageType, remainingBytes: Int)
    /// A field's length runs past the end of its frame.
    case fieldOverrunsFrame(messageType: PeerMessageType, tag: UInt16, declaredBytes: UInt32, remainingBytes: Int)
    case tooManyFields(messageType: PeerMessageType, limit: Int)

    // Message meaning (`init(decoding:)`).
    case wrongMessageType(expected: PeerMessageType, got: PeerMessageType)
    case missingField(messageType: PeerMessageType, tag: UInt16)
    case duplicateField(messageType: PeerMessageType, tag: UInt16)
    case invalidFieldLength(messageType: PeerMessageType, tag: UInt16, expectedBytes: Int, actualBytes: Int)
    /// The field has the right shape but a value the spec does not allow; `reason` says which.
    case invalidFieldValue(messageType: PeerMessageType, tag: UInt16, reason: String)
    case tooManyListEntries(messageType: PeerMessageType, tag: UInt16, limit: Int)
    case corruptCompressedItems(messageType: PeerMessageType, LZ4Error)

    // Connection (PeerHandshakeStateMachine).
    /// Anything but the expected handshake message before the handshake completed.
    case messageBeforeHandshake(PeerMessageType)
    /// A handshake message after the handshake completed.
    case unexpectedHandshakeMessage(PeerMessageType)
    /// The acceptor answered with a version or features the connecting side did not offer.
    case inconsistentAcceptance(reason: String)

    public var description: String {
        switch self {
        case .frameTooLarge(let bytes, let limit):
            return "frame of \(bytes) bytes exceeds the limit of \(limit) bytes"
        case .frameLengthTooSmall(let declared):
            return "frame length \(declared) is smaller than the 4 bytes of type and flags"
        case .truncatedFrame(let buffered):
            return "connection ended inside a frame (\(buffered) bytes buffered)"
        case .truncatedFieldHeader(let type, let remaining):
            return "\(type): \(remaining) bytes left where a 6-byte field header should start"
        case .fieldOverrunsFrame(let type, let tag, let declared, let remaining):
            return "\(type): field \(tag) declares \(declared) bytes but only \(remaining) remain in the frame"
        case .tooManyFields(let type, let limit):
            return "\(type): more than \(limit) fields"
        case .wrongMessageType(let expected, let got):
            return "expected \(expected), got \(got)"
        case .missingField(let type, let tag):
            return "\(type): required field \(tag) is missing"
        case .duplicateField(let type, let tag):
            return "\(type): field \(tag) appears more than once"
        case .invalidFieldLength(let type, let tag, let expected, let actual):
            return "\(type): field \(tag) has \(actual) bytes, expected \(expected)"
        case .invalidFieldValue(let type, let tag, let reason):
            return "\(type): field \(tag): \(reason)"
        case .tooManyListEntries(let type, let tag, let limit):
            return "\(type): field \(tag) repeats more than \(limit) times"
        case .corruptCompressedItems(let type, let error):
            return "\(type): compressed items: \(error)"
        case .messageBeforeHandshake(let type):
            return "\(type) received before the handshake completed"
        case .unexpectedHandshakeMessage(let type):
            return "\(type) received after the handshake completed"
        case .inconsistentAcceptance(let reason):
            return "handshake acceptance is inconsistent with our Hello: \(reason)"
        }
    }
}
