import NIOCore
import RondoEngine

/// Refuses connections beyond `--max-connections` the way memcached does: one error line, then
/// close. Checked before the protocol handlers are installed, so a refused client costs nothing else.
enum ConnectionAdmission {
    static let refusal: StaticString = "ERROR Too many open connections\r\n"

    /// Returns true when the channel may proceed.
    static func admit(_ channel: any Channel, counters: NodeCounters, maxConnections: Int) -> Bool {
        guard counters.currentConnectionCount >= maxConnections else { return true }
        counters.connectionRejected()
        var buffer = channel.allocator.buffer(capacity: refusal.utf8CodeUnitCount)
        buffer.writeStaticString(refusal)
        channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
        return false
    }
}
