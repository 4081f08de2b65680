/// Caps on what one connection may hold for sending: frames queued before the handshake
/// completes plus frames written but not yet handed to the socket. Reaching either closes the
/// connection (a peer that does not read must not make us buffer without bound); the owner
/// learns it as `PeerDisconnectReason.outboundOverflow` and resynchronizes after a reconnect.
public struct PeerOutboundLimits: Sendable, Hashable {
    public var framesMax: Int
    public var bytesMax: Int

    public init(framesMax: Int = 4096, bytesMax: Int = 64 << 20) {
        precondition(framesMax >= 1 && bytesMax >= 1, "an outbound queue must hold at least one frame")
        self.framesMax = framesMax
        self.bytesMax = bytesMax
    }

    public static let `default` = PeerOutboundLimits()
}
