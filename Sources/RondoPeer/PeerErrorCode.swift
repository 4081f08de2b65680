/// The u16 code of an `ErrorFrame`. A struct so codes from a later release still decode.
public struct PeerErrorCode: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// A must-understand frame of a type the receiver does not know. The connection stays open.
    public static let unsupportedMessage = PeerErrorCode(rawValue: 1)
    /// The sender is closing the connection because of a protocol error; the text says which.
    public static let protocolViolation = PeerErrorCode(rawValue: 2)

    public var description: String {
        switch self {
        case .unsupportedMessage: return "unsupportedMessage"
        case .protocolViolation: return "protocolViolation"
        default: return "code \(rawValue)"
        }
    }
}
