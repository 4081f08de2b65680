/// The u16 flags in a frame header. Bits this release does not define are sent as zero and ignored
/// on receipt, so a later release can give them a meaning that older peers may safely miss.
public struct PeerFrameFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The receiver must not silently drop this frame. A receiver that does not know the message
    /// type answers with an `ErrorFrame` of code `unsupportedMessage` instead (and keeps the
    /// connection); without this bit it ignores the frame.
    public static let mustUnderstand = PeerFrameFlags(rawValue: 1 << 0)
}
