import Logging
import NIOCore
import RondoPeer

/// One peer connection (either side) once its channel exists: sends typed messages within
/// `PeerOutboundLimits`, answers an owner-decided admission, closes. Every method may be called
/// from any thread; the work runs on the channel's event loop. Frames sent before the handshake
/// completes wait (counted against the limits) and go out right after it.
public final class PeerConnection: Sendable, CustomStringConvertible {
    public let id: PeerConnectionID
    public let channel: any Channel
    public let remoteAddress: SocketAddress?

    private struct State {
        var session: PeerSession?
        var waitingForHandshake: [PeerFrame] = []
        var queuedFrames = 0
        var queuedBytes = 0
        var overflow: PeerDisconnectReason?
        var isClosing = false
    }

    private let limits: PeerOutboundLimits
    private let logger: Logger
    private let state: NIOLoopBoundBox<State>

    /// Must be called on `channel.eventLoop` (from a channel initializer).
    init(channel: any Channel, limits: PeerOutboundLimits, logger: Logger) {
        self.id = .next()
        self.channel = channel
        self.remoteAddress = channel.remoteAddress
        self.limits = limits
        self.logger = logger
        self.state = NIOLoopBoundBox(State(), eventLoop: channel.eventLoop)
    }

    public var description: String { "\(id) (\(remoteAddress.map { "\($0)" } ?? "no address"))" }

    /// The handshake's result; nil before it completes. Read on the event loop only.
    public var session: PeerSession? {
        channel.eventLoop.preconditionInEventLoop()
        return state.value.session
    }

    /// Why the transport closed this connection itself (overflow), if it did.
    var overflowReason: PeerDisconnectReason? { state.value.overflow }

    public func send<Message: PeerMessage>(_ message: Message) {
        send(frame: message.frame())
    }

    public func send(frame: PeerFrame) {
        onLoop { $0.sendOnLoop(frame) }
    }

    /// Answers `PeerListenerEvent.admissionRequested`.
    public func admit(_ answer: PeerAdmissionAnswer) {
        onLoop { connection in
            connection.channel.triggerUserOutboundEvent(answer, promise: nil)
        }
    }

    public func close() {
        onLoop { connection in
            connection.state.value.isClosing = true
            connection.channel.close(promise: nil)
        }
    }

    // MARK: - On the event loop

    func establishedOnLoop(_ session: PeerSession) {
        state.value.session = session
        let waiting = state.value.waitingForHandshake
        state.value.waitingForHandshake = []
        for frame in waiting { write(frame) }
        if !waiting.isEmpty { channel.flush() }
    }

    private func sendOnLoop(_ frame: PeerFrame) {
        guard !state.value.isClosing else { return }
        let bytes = frame.encodedBytes
        guard state.value.queuedFrames + 1 <= limits.framesMax, state.value.queuedBytes + bytes <= limits.bytesMax else {
            let reason = PeerDisconnectReason.outboundOverflow(frames: state.value.queuedFrames, bytes: state.value.queuedBytes)
            logger.warning("closing peer connection", metadata: ["connection": "\(self)", "reason": "\(reason)"])
            state.value.overflow = reason
            state.value.isClosing = true
            state.value.waitingForHandshake = []
            channel.close(promise: nil)
            return
        }
        state.value.queuedFrames += 1
        state.value.queuedBytes += bytes
        guard state.value.session != nil else {
            state.value.waitingForHandshake.append(frame)
            return
        }
        write(frame)
        channel.flush()
    }

    private func write(_ frame: PeerFrame) {
        let bytes = frame.encodedBytes
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenComplete { [self] _ in
            self.state.value.queuedFrames -= 1
            self.state.value.queuedBytes -= bytes
        }
        channel.write(frame, promise: promise)
    }

    private func onLoop(_ body: @escaping @Sendable (PeerConnection) -> Void) {
        if channel.eventLoop.inEventLoop {
            body(self)
        } else {
            channel.eventLoop.execute { body(self) }
        }
    }
}
