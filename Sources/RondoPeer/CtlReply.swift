/// The coordinator's answer to a `CtlRequest`: whether it was done, the text people read and the
/// same answer as JSON (`rondo ctl --json`). Must-understand.
public struct CtlReply: PeerMessage {
    public static let messageType = PeerMessageType.ctlReply
    public static let frameFlags: PeerFrameFlags = .mustUnderstand
    /// A ring description of 1M vnodes stays far below this; the frame limit is 16 MiB.
    public static let textBytesMax = 4 << 20

    public enum Tag {
        public static let requestID: UInt16 = 1
        /// bool: false when the coordinator refused the command.
        public static let ok: UInt16 = 2
        public static let text: UInt16 = 3
        public static let json: UInt16 = 4
    }

    public var requestID: UInt64
    public var ok: Bool
    public var text: String
    public var json: String

    public init(requestID: UInt64, ok: Bool, text: String, json: String) {
        self.requestID = requestID
        self.ok = ok
        self.text = text
        self.json = json
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.requestID, requestID)
        writer.bool(Tag.ok, ok)
        writer.string(Tag.text, text)
        writer.string(Tag.json, json)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        requestID = try reader.integer(Tag.requestID)
        ok = try reader.bool(Tag.ok)
        text = try reader.string(Tag.text, bytesMax: Self.textBytesMax)
        json = try reader.string(Tag.json, bytesMax: Self.textBytesMax)
    }
}
