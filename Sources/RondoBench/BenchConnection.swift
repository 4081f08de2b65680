import NIOCore
import NIOPosix

/// One client connection of the load: keeps its pipeline full (closed loop) or on schedule (open
/// loop), matches replies to requests, enforces the per-request timeout and reconnects when the
/// channel goes away. Lives on one event loop and is only touched there.
final class BenchConnection {
    private enum State {
        case idle
        case connecting
        case connected(any Channel)
        case waitingToReconnect
        case closed
    }

    let index: Int
    let server: ServerAddress
    let eventLoop: any EventLoop
    private let settings: BenchConnectionSettings
    private let recorder: LoopRecorder
    private var state = State.idle
    private var window: InFlightWindow
    private var source: (any OperationSource)?
    private var schedule = SendSchedule.closedLoop
    private var phaseFinished: EventLoopPromise<Void>?
    private var wakeUp: (deadline: NIODeadline, task: Scheduled<Void>)?
    private var timeoutCheck: Scheduled<Void>?
    private var outbound: ByteBuffer?
    /// Why the current channel is closing, for the one line reported when it has closed.
    private var closeReason: String?

    init(index: Int, server: ServerAddress, eventLoop: any EventLoop, settings: BenchConnectionSettings, recorder: LoopRecorder) {
        self.index = index
        self.server = server
        self.eventLoop = eventLoop
        self.settings = settings
        self.recorder = recorder
        window = InFlightWindow(capacity: settings.pipelineDepth)
    }

    /// Opens the channel; fails with `BenchError.serverUnreachable` when the server does not accept.
    func connect() -> EventLoopFuture<Void> {
        eventLoop.preconditionInEventLoop()
        state = .connecting
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let valueBytesMax = settings.valueBytesMax
        let server = self.server
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(settings.connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        BenchResponseHandler(connection: bound.value, valueBytesMax: valueBytesMax)
                    )
                }
            }
            .connect(host: server.host, port: server.port)
            .flatMapErrorThrowing { error in
                throw BenchError.serverUnreachable(server, reason: "\(error)")
            }
            .assumeIsolated()
            .map { channel in self.didConnect(channel) }
            .nonisolated()
    }

    /// Starts sending from `source` on `schedule`. The future completes when the source runs out and
    /// its last reply is in (a prefill), or when `stop()` is called (the measured load).
    func start(source: any OperationSource, schedule: SendSchedule) -> EventLoopFuture<Void> {
        eventLoop.preconditionInEventLoop()
        phaseFinished?.succeed()
        let promise = eventLoop.makePromise(of: Void.self)
        phaseFinished = promise
        self.source = source
        self.schedule = schedule
        refill()
        return promise.futureResult
    }

    /// Stops issuing requests; replies to those in flight are still matched.
    func stop() {
        source = nil
        cancelWakeUp()
        phaseFinished?.succeed()
        phaseFinished = nil
    }

    func close() -> EventLoopFuture<Void> {
        stop()
        let previous = state
        state = .closed
        timeoutCheck?.cancel()
        timeoutCheck = nil
        guard case .connected(let channel) = previous else { return eventLoop.makeSucceededVoidFuture() }
        return channel.close().recover { _ in }
    }

    // MARK: Events from the channel

    func receive(_ response: MemcachedResponse) {
        switch window.receive(response) {
        case .pending:
            break
        case .completed(let request, let outcome):
            let latency = NIODeadline.now() - request.intendedSendTime
            recorder.record(request.operation.kind, outcome, latencyMicroseconds: UInt64(max(0, latency.nanoseconds / 1_000)))
        case .unexpected:
            recorder.recordLost(.protocolViolation)
            dropConnection(reason: "unexpected reply \(response)")
        }
    }

    /// Sends whatever the schedule allows into the free pipeline slots, as one write.
    func refill() {
        guard case .connected(let channel) = state, hasSource else {
            finishPhaseIfDrained()
            return
        }
        let now = NIODeadline.now()
        // Reuses the last batch's storage: once the socket took those bytes the channel lets go of
        // it, so clearing costs no allocation; if they are still queued, `clear` copies on write.
        var batch = outbound ?? channel.allocator.buffer(capacity: batchCapacityBytes)
        outbound = nil
        batch.clear()
        sending: while window.hasRoom {
            switch schedule.decide(now: now) {
            case .waitUntil(let due):
                armWakeUp(at: due)
                break sending
            case .sendNow(let intendedTime):
                guard let operation = source?.nextOperation() else {
                    source = nil
                    break sending
                }
                settings.encoder.encode(operation, into: &batch)
                window.append(InFlightRequest(operation: operation, intendedSendTime: intendedTime, sendTime: now))
                schedule.didSend()
            }
        }
        if batch.readableBytes > 0 {
            channel.writeAndFlush(batch, promise: nil)
        }
        outbound = batch
        finishPhaseIfDrained()
    }

    func channelDidFail(_ channel: any Channel, error: any Error) {
        guard isCurrent(channel) else { return }
        if error is MemcachedResponseDecoderError {
            recorder.recordLost(.protocolViolation)
        }
        closeReason = closeReason ?? "\(error)"
    }

    func channelDidClose(_ channel: any Channel) {
        guard isCurrent(channel) else { return }
        // One line per lost connection, not per failed reconnect: a dead server must not flood stderr.
        settings.reportProblem("connection \(index) to \(server) closed: \(closeReason ?? "by the server"); reconnecting")
        closeReason = nil
        abandonInFlight(now: .now())
        timeoutCheck?.cancel()
        timeoutCheck = nil
        state = .waitingToReconnect
        scheduleReconnect()
    }

    // MARK: Private

    /// Asks without copying the existential, which `source != nil` would do on every refill.
    private var hasSource: Bool {
        if case .none = source { return false }
        return true
    }

    /// Room for a full window of the largest request, up to 64 KiB; larger batches grow as written.
    private var batchCapacityBytes: Int {
        min((window.capacity - window.count) * settings.encoder.setRequestBytesMax, 1 << 16)
    }

    private func didConnect(_ channel: any Channel) {
        guard case .connecting = state else {
            // Closed while connecting: the run is over.
            channel.close(promise: nil)
            return
        }
        state = .connected(channel)
        armTimeoutCheck()
        refill()
    }

    private func isCurrent(_ channel: any Channel) -> Bool {
        guard case .connected(let current) = state else { return false }
        return current === channel
    }

    private func scheduleReconnect() {
        eventLoop.assumeIsolated().scheduleTask(in: settings.reconnectDelay) {
            guard case .waitingToReconnect = self.state else { return }
            self.connect().assumeIsolated().whenComplete { result in
                switch result {
                case .success:
                    self.recorder.recordReconnect()
                case .failure:
                    if case .connecting = self.state {
                        self.state = .waitingToReconnect
                        self.scheduleReconnect()
                    }
                }
            }
        }
    }

    private func dropConnection(reason: String) {
        guard case .connected(let channel) = state else { return }
        closeReason = reason
        abandonInFlight(now: .now())
        channel.close(promise: nil)
    }

    /// Counts every request still in flight as timed out (past its deadline) or lost.
    private func abandonInFlight(now: NIODeadline) {
        for request in window.removeAll() {
            if now - request.sendTime >= settings.requestTimeout {
                recorder.recordTimeout()
            } else {
                recorder.recordLost(.connectionLost)
            }
        }
        finishPhaseIfDrained()
    }

    private func armTimeoutCheck() {
        timeoutCheck = eventLoop.assumeIsolated().scheduleTask(in: settings.timeoutCheckInterval) {
            self.timeoutCheck = nil
            guard case .connected = self.state else { return }
            let now = NIODeadline.now()
            // Replies come in order: a request stuck past its timeout blocks all behind it, so the
            // only way on is a fresh connection.
            if let oldest = self.window.oldest, now - oldest.sendTime >= self.settings.requestTimeout {
                self.dropConnection(reason: "request timed out after \(self.settings.requestTimeout)")
            } else {
                self.armTimeoutCheck()
            }
        }
    }

    private func armWakeUp(at deadline: NIODeadline) {
        if let wakeUp, wakeUp.deadline <= deadline { return }
        cancelWakeUp()
        let task = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.wakeUp = nil
            self.refill()
        }
        wakeUp = (deadline, task)
    }

    private func cancelWakeUp() {
        wakeUp?.task.cancel()
        wakeUp = nil
    }

    private func finishPhaseIfDrained() {
        guard !hasSource, window.isEmpty, let promise = phaseFinished else { return }
        phaseFinished = nil
        promise.succeed()
    }
}
