import NIOCore
import NIOPosix

/// One client of a verifying run. It owns a partition of the keys (see `VerifyLedger`) and keeps
/// exactly one operation in flight, so its ledger always knows the newest acknowledged write of
/// each of its keys. Every operation goes first to the worker's own server; a failed attempt (error
/// reply, timeout, connection reset or refused) is retried once on the next server of the list
/// (`OperationAttempts`), and counted as a client error only when the retry fails too.
///
/// It holds at most one channel per server, opened when first needed and reopened after a close,
/// with a doubling pause (bounded by `backoffMax`) after a refused connect. Lives on one event loop
/// and is only touched there.
final class VerifyingWorker {
    enum Phase {
        case idle
        /// Writes each owned key once, closed loop.
        case prefill(nextSlot: Int)
        /// The measured load, on `schedule`.
        case load
        /// Reads back every key written, closed loop, judging lost writes.
        case readBack(keys: [Int], next: Int)
        /// Finishes the operation in flight (with its retry) and issues nothing more.
        case draining
    }

    private struct Pending {
        var operation: BenchOperation
        var writeNumber: UInt32
        var attempts: OperationAttempts
        var intendedSendTime: NIODeadline
        var serial: UInt64
        /// The channel the current attempt was written to (nil while it connects).
        var channel: (any Channel)?
        var hitData: ByteBuffer?
        var sawValue = false
    }

    private enum Link {
        case down(retryAfter: NIODeadline)
        case connecting(generation: UInt64)
        case connected(any Channel)
    }

    /// How long a server whose connection closed is passed over for first attempts, as
    /// memcached clients eject a failed server for a while (libmemcached's `retry_timeout`): a node
    /// restarting in place closes its connections and then queues new ones in its backlog until the
    /// new process serves them, so sending there at once would only wait.
    static let passOverAfterClose = TimeAmount.seconds(1)
    static let backoffMin = TimeAmount.milliseconds(50)
    static let backoffMax = TimeAmount.seconds(1)
    /// Stale or corrupt reads this worker describes on stderr; the rest are only counted.
    static let problemsReportedMax = 5

    let index: Int
    let eventLoop: any EventLoop
    private let servers: [ServerAddress]
    private let primaryServer: Int
    private let settings: BenchConnectionSettings
    private let valueSizeBytes: Int
    private let recorder: LoopRecorder
    private(set) var ledger: VerifyLedger
    private(set) var readBack = ReadBackTally()
    private var links: [Link]
    private var backoff: [TimeAmount]
    private var everConnected: [Bool]
    /// Until when each server is passed over for new attempts (`passOverAfterClose`). Only the
    /// choice of server: a retry that has nowhere else to go may still reconnect at once.
    private var passedOverUntil: [NIODeadline]
    private var linkGeneration: UInt64 = 0
    private var phase = Phase.idle
    private var workload: PartitionedWorkload?
    private var schedule = SendSchedule.closedLoop
    private var pending: Pending?
    private var serial: UInt64 = 0
    private var phaseFinished: EventLoopPromise<Void>?
    private var wakeUp: Scheduled<Void>?
    private var timeout: Scheduled<Void>?
    private var problemsReported = 0

    init(
        index: Int, workerCount: Int, keyCount: Int, servers: [ServerAddress], eventLoop: any EventLoop,
        settings: BenchConnectionSettings, valueSizeBytes: Int, recorder: LoopRecorder
    ) {
        self.index = index
        self.eventLoop = eventLoop
        self.servers = servers
        primaryServer = index % servers.count
        self.settings = settings
        self.valueSizeBytes = valueSizeBytes
        self.recorder = recorder
        ledger = VerifyLedger(workerIndex: index, workerCount: workerCount, keyCount: keyCount)
        links = Array(repeating: .down(retryAfter: .uptimeNanoseconds(0)), count: servers.count)
        backoff = Array(repeating: Self.backoffMin, count: servers.count)
        everConnected = Array(repeating: false, count: servers.count)
        passedOverUntil = Array(repeating: .uptimeNanoseconds(0), count: servers.count)
    }

    // MARK: Phases

    /// Opens the channel to the worker's own server; fails when it does not accept.
    func connectPrimary() -> EventLoopFuture<Void> {
        link(to: primaryServer).map { _ in }
    }

    func prefill() -> EventLoopFuture<Void> {
        begin(.prefill(nextSlot: 0))
    }

    func load(_ workload: PartitionedWorkload, schedule: SendSchedule) -> EventLoopFuture<Void> {
        self.workload = workload
        self.schedule = schedule
        return begin(.load)
    }

    /// Stops issuing; the returned phase future completes once the operation in flight has ended.
    func stopIssuing() {
        workload = nil
        cancelWakeUp()
        phase = .draining
        advance()
    }

    func readBackWrittenKeys() -> EventLoopFuture<Void> {
        let keys = ledger.writtenKeyIndices
        readBack.keysWritten = UInt64(keys.count)
        return begin(.readBack(keys: keys, next: 0))
    }

    func close() -> EventLoopFuture<Void> {
        cancelWakeUp()
        timeout?.cancel()
        phase = .idle
        pending = nil
        var closing: [EventLoopFuture<Void>] = []
        for (server, link) in links.enumerated() {
            if case .connected(let channel) = link {
                closing.append(channel.close().recover { _ in })
            }
            links[server] = .down(retryAfter: .distantFuture)
        }
        phaseFinished?.succeed()
        phaseFinished = nil
        return EventLoopFuture.andAllComplete(closing, on: eventLoop)
    }

    private func begin(_ next: Phase) -> EventLoopFuture<Void> {
        eventLoop.preconditionInEventLoop()
        phaseFinished?.succeed()
        let promise = eventLoop.makePromise(of: Void.self)
        phaseFinished = promise
        phase = next
        advance()
        return promise.futureResult
    }

    /// Starts the next operation of the phase if none is in flight, or finishes the phase.
    private func advance() {
        guard pending == nil else { return }
        let now = NIODeadline.now()
        switch phase {
        case .idle, .draining:
            finishPhase()
        case .prefill(let slot):
            guard slot < ledger.ownedKeyCount else { return finishPhase() }
            phase = .prefill(nextSlot: slot + 1)
            start(BenchOperation(kind: .set, keyIndex: ledger.keyIndex(ofSlot: slot)), intendedSendTime: now)
        case .load:
            switch schedule.decide(now: now) {
            case .waitUntil(let due):
                armWakeUp(at: due)
            case .sendNow(let intendedTime):
                guard let operation = workload?.nextOperation() else { return finishPhase() }
                schedule.didSend()
                start(operation, intendedSendTime: intendedTime)
            }
        case .readBack(let keys, let next):
            guard next < keys.count else { return finishPhase() }
            phase = .readBack(keys: keys, next: next + 1)
            start(BenchOperation(kind: .get, keyIndex: keys[next]), intendedSendTime: now)
        }
    }

    private func finishPhase() {
        guard let promise = phaseFinished else { return }
        phaseFinished = nil
        promise.succeed()
    }

    // MARK: Operations and attempts

    private func start(_ operation: BenchOperation, intendedSendTime: NIODeadline) {
        let writeNumber = operation.kind == .set ? ledger.issueWrite(keyIndex: operation.keyIndex) : 0
        pending = Pending(
            operation: operation, writeNumber: writeNumber,
            attempts: OperationAttempts(serverIndex: firstServer(), serverCount: servers.count),
            intendedSendTime: intendedSendTime, serial: 0)
        sendAttempt()
    }

    /// The worker's own server, or while it is passed over (its connection closed or was refused
    /// moments ago), the next one that is not. Choosing where to send is not a failed attempt: it
    /// costs no retry.
    private func firstServer() -> Int {
        let now = NIODeadline.now()
        for offset in 0..<servers.count {
            let server = (primaryServer + offset) % servers.count
            if !isPassedOver(server, now: now) { return server }
        }
        return primaryServer
    }

    private func isPassedOver(_ server: Int, now: NIODeadline) -> Bool {
        if passedOverUntil[server] > now { return true }
        if case .down(let retryAfter) = links[server], retryAfter > now { return true }
        return false
    }

    /// The server's channel closed: reconnect when next used, but send elsewhere for a while.
    private func passOver(_ server: Int) {
        links[server] = .down(retryAfter: .now())
        passedOverUntil[server] = .now() + Self.passOverAfterClose
    }

    private func sendAttempt() {
        guard var attempt = pending else { return }
        serial += 1
        let current = serial
        attempt.serial = current
        attempt.channel = nil
        attempt.hitData = nil
        attempt.sawValue = false
        pending = attempt
        armTimeout(for: current)
        link(to: attempt.attempts.serverIndex).assumeIsolated().whenComplete { result in
            guard let attempt = self.pending, attempt.serial == current else { return }
            switch result {
            case .failure(let error):
                self.reportOnce("rondo bench: attempt \(attempt.attempts.attempt) of a \(attempt.operation.kind) of key \(attempt.operation.keyIndex) failed: \(error)")
                self.recorder.recordLost(.connectionLost)
                self.attemptFailed()
            case .success(let channel):
                self.pending?.channel = channel
                var buffer = channel.allocator.buffer(capacity: VerifiedValue.headerBytesMax + self.valueSizeBytes + 300)
                switch attempt.operation.kind {
                case .get:
                    self.settings.encoder.encodeGet(keyIndex: attempt.operation.keyIndex, into: &buffer)
                case .set:
                    let value = VerifiedValue(keyIndex: attempt.operation.keyIndex, writeNumber: attempt.writeNumber)
                    self.settings.encoder.encodeSet(
                        keyIndex: attempt.operation.keyIndex, value: value, valueSizeBytes: self.valueSizeBytes, into: &buffer)
                }
                channel.writeAndFlush(buffer, promise: nil)
            }
        }
    }

    private func attemptFailed() {
        guard var attempt = pending else { return }
        timeout?.cancel()
        timeout = nil
        let now = NIODeadline.now()
        switch attempt.attempts.failed(isPassedOver: { self.isPassedOver($0, now: now) }) {
        case .retry:
            recorder.recordVerification { $0.retries += 1 }
            pending = attempt
            sendAttempt()
        case .clientError:
            if case .readBack = phase {
                readBack.keysUnverified += 1
            } else {
                recorder.recordVerification { $0.clientErrors += 1 }
                trace(attempt, .failed, latencyMicroseconds: max(0, (now - attempt.intendedSendTime).nanoseconds / 1_000))
            }
            pending = nil
            advance()
        }
    }

    private func succeeded(_ outcome: RequestOutcome) {
        guard let attempt = pending else { return }
        timeout?.cancel()
        timeout = nil
        let key = attempt.operation.keyIndex
        switch attempt.operation.kind {
        case .set:
            ledger.acknowledge(keyIndex: key, writeNumber: attempt.writeNumber)
        case .get:
            let verdict = ledger.judgeRead(keyIndex: key, result: ReadResult(hitData: attempt.sawValue ? attempt.hitData : nil))
            judge(verdict, keyIndex: key, data: attempt.hitData)
        }
        if case .readBack = phase {} else {
            let latencyMicroseconds = max(0, (NIODeadline.now() - attempt.intendedSendTime).nanoseconds / 1_000)
            recorder.record(attempt.operation.kind, outcome, latencyMicroseconds: UInt64(latencyMicroseconds))
            trace(attempt, .succeeded, latencyMicroseconds: latencyMicroseconds)
        }
        pending = nil
        advance()
    }

    /// Keeps an operation of the load for `--trace`: not the prefill's or the read-back's, nor
    /// those still in flight at the stop (finished while draining). Those finished between the
    /// timeline's last interval and the stop are traced though not in the timeline, so the trace
    /// can hold a few operations more than the summary.
    private func trace(_ attempt: Pending, _ outcome: OperationTrace.Outcome, latencyMicroseconds: Int64) {
        guard recorder.isTracing, case .load = phase else { return }
        recorder.recordTrace(OperationTrace(
            intendedSendUptimeNanoseconds: attempt.intendedSendTime.uptimeNanoseconds,
            latencyMicroseconds: UInt32(clamping: latencyMicroseconds),
            kind: attempt.operation.kind, outcome: outcome, attempts: UInt8(clamping: attempt.attempts.attempt),
            serverIndex: UInt16(clamping: attempt.attempts.serverIndex), workerIndex: UInt32(clamping: index)))
    }

    private func judge(_ verdict: VerifyLedger.ReadVerdict, keyIndex: Int, data: ByteBuffer?) {
        if case .readBack = phase {
            readBack.count(verdict)
        } else {
            switch verdict {
            case .current: return
            case .stale: recorder.recordVerification { $0.staleReads += 1 }
            case .corrupt: recorder.recordVerification { $0.corruptValues += 1 }
            }
        }
        guard verdict != .current else { return }
        let record = ledger.record(ofKey: keyIndex) ?? VerifyLedger.Record()
        let returned = data.map { String(decoding: $0.readableBytesView.prefix(40), as: UTF8.self) } ?? "a miss"
        let what = if case .readBack = phase { "read-back" } else { "read" }
        reportOnce(
            "rondo bench: \(verdict) \(what) of key \(keyIndex): got \(returned), newest acknowledged write \(record.acknowledged), issued \(record.issued)")
    }

    /// Describes a problem on stderr, at most `problemsReportedMax` per worker; the rest are only counted.
    private func reportOnce(_ message: @autoclosure () -> String) {
        guard problemsReported < Self.problemsReportedMax else { return }
        problemsReported += 1
        settings.reportProblem(message())
    }

    // MARK: Events from the channels

    func receive(_ response: MemcachedResponse, on channel: any Channel) {
        guard var attempt = pending, let current = attempt.channel, current === channel else {
            // A reply nobody waits for (its request timed out): the channel's order is lost.
            dropLink(channel)
            return
        }
        switch (attempt.operation.kind, response) {
        case (.get, .value(let key, _, let data)):
            guard !attempt.sawValue else { return protocolViolation(on: channel) }
            // The reply names its key: one for another key means the channel's replies are out of
            // step with its requests (an extra or a missing reply), which a client must not trust.
            let expected = settings.encoder.key(attempt.operation.keyIndex)
            guard key == expected else {
                reportOnce(
                    "rondo bench: reply for key \(String(buffer: key)) to a get of \(String(buffer: expected)) on \(channel.remoteAddress.map { "\($0)" } ?? "a closed channel"); dropping the connection")
                return protocolViolation(on: channel)
            }
            attempt.sawValue = true
            attempt.hitData = data
            pending = attempt
        case (.get, .end):
            succeeded(attempt.sawValue ? .hit : .miss)
        case (.set, .stored):
            succeeded(.stored)
        case (.set, .notStored):
            failedReply(.notStored)
        case (_, .error):
            failedReply(.error)
        case (_, .clientError):
            failedReply(.clientError)
        case (_, .serverError(let message)):
            reportOnce("rondo bench: SERVER_ERROR \(message) for a \(attempt.operation.kind) of key \(attempt.operation.keyIndex) from \(servers[attempt.attempts.serverIndex])")
            failedReply(.serverError)
        default:
            protocolViolation(on: channel)
        }
    }

    func channelDidFail(_ channel: any Channel, error: any Error) {
        if error is MemcachedResponseDecoderError {
            recorder.recordLost(.protocolViolation)
        }
    }

    func channelDidClose(_ channel: any Channel) {
        for (server, link) in links.enumerated() {
            if case .connected(let current) = link, current === channel {
                passOver(server)
            }
        }
        guard let attempt = pending, let current = attempt.channel, current === channel else { return }
        recorder.recordLost(.connectionLost)
        attemptFailed()
    }

    private func failedReply(_ kind: BenchErrorKind) {
        recorder.recordLost(kind)
        attemptFailed()
    }

    private func protocolViolation(on channel: any Channel) {
        recorder.recordLost(.protocolViolation)
        failAttempt(droppingItsChannel: channel)
    }

    /// Fails the attempt in flight once, then closes its channel. The attempt lets go of the
    /// channel first: closing fires `channelDidClose` at once, which would otherwise fail the same
    /// attempt a second time (turning its retry, already sent, into a client error whose late reply
    /// is then taken for the next request's).
    private func failAttempt(droppingItsChannel channel: (any Channel)?) {
        pending?.channel = nil
        if let channel { dropLink(channel) }
        attemptFailed()
    }

    // MARK: Links

    /// The channel to `server`: the open one, the one being opened, or a new one, unless the last
    /// connect was refused less than the backoff ago.
    private func link(to server: Int) -> EventLoopFuture<any Channel> {
        switch links[server] {
        case .connected(let channel):
            return eventLoop.makeSucceededFuture(channel)
        case .connecting:
            break
        case .down(let retryAfter):
            guard NIODeadline.now() >= retryAfter else {
                return eventLoop.makeFailedFuture(BenchError.serverUnreachable(servers[server], reason: "reconnecting after a refused connect"))
            }
        }
        return connect(server)
    }

    private func connect(_ server: Int) -> EventLoopFuture<any Channel> {
        linkGeneration += 1
        let generation = linkGeneration
        links[server] = .connecting(generation: generation)
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let valueBytesMax = settings.valueBytesMax
        let address = servers[server]
        let connectTimeout = TimeAmount.nanoseconds(min(settings.connectTimeout.nanoseconds, settings.requestTimeout.nanoseconds))
        let promise = eventLoop.makePromise(of: (any Channel).self)
        ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        VerifyingResponseHandler(worker: bound.value, valueBytesMax: valueBytesMax))
                }
            }
            .connect(host: address.host, port: address.port)
            .assumeIsolated()
            .whenComplete { result in
                promise.completeWith(self.didConnect(server, generation: generation, result))
            }
        return promise.futureResult
    }

    private func didConnect(_ server: Int, generation: UInt64, _ result: Result<any Channel, any Error>) -> Result<any Channel, any Error> {
        guard case .connecting(let current) = links[server], current == generation else {
            // Closed meanwhile (the run is over): nobody will use this channel.
            if case .success(let channel) = result { channel.close(promise: nil) }
            return .failure(BenchError.serverUnreachable(servers[server], reason: "closed while connecting"))
        }
        switch result {
        case .success(let channel):
            links[server] = .connected(channel)
            backoff[server] = Self.backoffMin
            if everConnected[server] { recorder.recordReconnect() }
            everConnected[server] = true
            return .success(channel)
        case .failure(let error):
            links[server] = .down(retryAfter: .now() + backoff[server])
            backoff[server] = .nanoseconds(min(backoff[server].nanoseconds * 2, Self.backoffMax.nanoseconds))
            return .failure(BenchError.serverUnreachable(servers[server], reason: "\(error)"))
        }
    }

    private func dropLink(_ channel: any Channel) {
        for (server, link) in links.enumerated() {
            if case .connected(let current) = link, current === channel {
                passOver(server)
            }
        }
        channel.close(promise: nil)
    }

    // MARK: Timers

    /// One deadline per attempt, covering its connect and its reply.
    private func armTimeout(for attemptSerial: UInt64) {
        timeout?.cancel()
        timeout = eventLoop.assumeIsolated().scheduleTask(in: settings.requestTimeout) {
            self.timeout = nil
            guard let attempt = self.pending, attempt.serial == attemptSerial else { return }
            self.recorder.recordTimeout()
            self.reportOnce(
                "rondo bench: \(attempt.operation.kind) of key \(attempt.operation.keyIndex) timed out on attempt \(attempt.attempts.attempt) to \(self.servers[attempt.attempts.serverIndex]) (\(attempt.channel == nil ? "still connecting" : "sent"))")
            // Replies come in order: the late one would be taken for the next request's.
            self.failAttempt(droppingItsChannel: attempt.channel)
        }
    }

    private func armWakeUp(at deadline: NIODeadline) {
        cancelWakeUp()
        wakeUp = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.wakeUp = nil
            self.advance()
        }
    }

    private func cancelWakeUp() {
        wakeUp?.cancel()
        wakeUp = nil
    }
}
