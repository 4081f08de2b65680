import Logging
import NIOCore
import RondoPeer

/// One peer connection (either side) once its channel exists: sends typed messages within
/// `PeerOutboundLimits`, answers an owner-decided admission, closes. Every method may be called
/// from any thread; the work runs on the channel's event loop. Frames sent before the handshake
/// completes wait (counted against the limits) and go out right after it.
///
/// Frames are written at once but flushed once per event-loop iteration: a burst of forwarded
/// requests or replies (one read of a client or peer socket yields many) leaves in one `writev`
/// instead of one syscall per frame. The flush runs as a task on the channel's loop, which the
/// loop runs after it has handled every socket that was ready in this iteration. A burst larger
/// than `flushBatchFramesMax` is flushed as it goes, so at most that many written frames wait for
/// a flush (they count against the outbound limits like the ones the socket did not take yet).
public final class PeerConnection: Sendable, CustomStringConvertible {
    /// Frames written before a flush is forced within one loop iteration.
    static let flushBatchFramesMax = 256

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
        /// A flush task is queued on the loop; frames written until it runs share it.
        var isFlushScheduled = false
        /// Frames written since the last flush.
        var unflushedFrames = 0
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
        if !waiting.isEmpty { scheduleFlush() }
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
        scheduleFlush()
    }

    private func scheduleFlush() {
        if state.value.unflushedFrames >= Self.flushBatchFramesMax {
            flushNow()
            return
        }
        guard !state.value.isFlushScheduled else { return }
        state.value.isFlushScheduled = true
        channel.eventLoop.assumeIsolated().execute { [self] in
            self.state.value.isFlushScheduled = false
            self.flushNow()
        }
    }

    private func flushNow() {
        guard state.value.unflushedFrames > 0 else { return }
        state.value.unflushedFrames = 0
        channel.flush()
    }

    private func write(_ frame: PeerFrame) {
        let bytes = frame.encodedBytes
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenComplete { [self] _ in
            self.state.value.queuedFrames -= 1
            self.state.value.queuedBytes -= bytes
        }
        state.value.unflushedFrames += 1
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
