/// Limits on what a peer may make us buffer or allocate. The frame size is enforced from the
/// 4-byte length prefix, before the rest of the frame is read.
public struct PeerProtocolLimits: Sendable, Hashable {
    /// A whole frame, header included.
    public var frameBytesMax: Int
    /// TLV fields in one frame, known or not.
    public var fieldsPerFrameMax: Int
    /// The original length of an LZ4-compressed item body, checked before decompressing.
    public var decompressedItemsBytesMax: Int

    public init(frameBytesMax: Int = 16 << 20, fieldsPerFrameMax: Int = 256, decompressedItemsBytesMax: Int = 64 << 20) {
        precondition(frameBytesMax >= PeerFrame.headerBytes, "a frame limit must fit a frame header")
        precondition(fieldsPerFrameMax >= 1 && decompressedItemsBytesMax >= 0)
        self.frameBytesMax = frameBytesMax
        self.fieldsPerFrameMax = fieldsPerFrameMax
        self.decompressedItemsBytesMax = decompressedItemsBytesMax
    }

    public static let `default` = PeerProtocolLimits()

    // Wire constants: the same for every connection and part of the spec.
    public static let clusterNameBytesMax = 64
    public static let textBytesMax = 1024
    public static let hostBytesMax = 255
    public static let featuresPerMessageMax = 64
    public static let softwareVersionBytesMax = 32
    public static let cursorBytesMax = 1024
}
