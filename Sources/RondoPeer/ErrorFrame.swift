/// Reports a problem with a frame the peer sent. Not must-understand: an error about an error
/// must never produce another one.
public struct ErrorFrame: PeerMessage {
    public static let messageType = PeerMessageType.error

    public enum Tag {
        public static let code: UInt16 = 1
        public static let text: UInt16 = 2
        /// The message type of the frame the error is about, when there is one.
        public static let offendingMessageType: UInt16 = 3
    }

    public var code: PeerErrorCode
    public var text: String
    public var offendingMessageType: PeerMessageType?

    public init(code: PeerErrorCode, text: String, offendingMessageType: PeerMessageType? = nil) {
        self.code = code
        self.text = String.truncating(text, toUTF8BytesMax: PeerProtocolLimits.textBytesMax)
        self.offendingMessageType = offendingMessageType
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.code, code.rawValue)
        writer.string(Tag.text, text)
        if let offendingMessageType { writer.integer(Tag.offendingMessageType, offendingMessageType.rawValue) }
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        code = PeerErrorCode(rawValue: try reader.integer(Tag.code))
        text = try reader.string(Tag.text, bytesMax: PeerProtocolLimits.textBytesMax)
        offendingMessageType = try reader.optionalInteger(Tag.offendingMessageType, as: UInt16.self).map(PeerMessageType.init(rawValue:))
    }
}
