/// The acceptor's answer to a `Hello` it will not take. The acceptor closes the connection after
/// sending it.
public struct HelloRefused: PeerMessage {
    public static let messageType = PeerMessageType.helloRefused
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let code: UInt16 = 1
        public static let text: UInt16 = 2
    }

    public var code: HandshakeRefusalCode
    /// Human-readable, at most `PeerProtocolLimits.textBytesMax` bytes; cut at a character
    /// boundary when longer.
    public var text: String

    public init(code: HandshakeRefusalCode, text: String) {
        self.code = code
        self.text = String.truncating(text, toUTF8BytesMax: PeerProtocolLimits.textBytesMax)
    }

    public init(_ refusal: HandshakeRefusal) {
        self.init(code: refusal.code, text: refusal.description)
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.code, code.rawValue)
        writer.string(Tag.text, text)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        code = HandshakeRefusalCode(rawValue: try reader.integer(Tag.code))
        text = try reader.string(Tag.text, bytesMax: PeerProtocolLimits.textBytesMax)
    }
}
