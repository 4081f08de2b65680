import NIOCore
import RondoGateway

extension GatewayFailure {
    /// The reply bytes a forwarded request carries back when it failed on this node: the entry
    /// node relays them unchanged, so the client sees the same `SERVER_ERROR` line it would have
    /// seen from a local failure.
    var replyBytes: ByteBuffer { ServerErrorReply.bytes(reason: reason) }

    /// The reason to show for any error a runtime future failed with.
    static func reason(of error: any Error) -> String {
        (error as? GatewayFailure)?.reason ?? "\(error)"
    }
}
