/// The life of one peer connection from its first byte to its close, without any I/O: the caller
/// (the transport's `PeerInboundHandler`, or a test) feeds events and performs the returned `Action`.
///
/// The connecting side sends `Hello` when the channel becomes active and waits for
/// `HelloAccepted` or `HelloRefused`; the accepting side waits for `Hello` and answers it through
/// its `HandshakePolicy`. Until then any other frame is a protocol error. Every close we initiate
/// sends a frame that says why first: `HelloRefused` for a refusal, an `ErrorFrame` with code
/// `protocolViolation` otherwise.
public struct PeerHandshakeStateMachine {
    public enum Side: Sendable {
        case connecting(Hello)
        case accepting(HandshakePolicy)
        /// Accepting, but the owner decides each `Hello` (`awaitAdmission`, then
        /// `admissionDecided`), for admission that depends on state the policy does not hold.
        case admitting
    }

    /// The cases that happen once per connection are `indirect` (boxed): the action is returned
    /// for every received frame, and without the boxes the session and `Hello` they carry made it
    /// ~300 bytes to copy per frame instead of the delivered message's size.
    public enum Action: Equatable, Sendable {
        case none
        /// Write this frame; the connection continues.
        case send(PeerFrame)
        /// The handshake completed: write `reply` (the accepting side's `HelloAccepted`), then
        /// announce the session.
        indirect case establish(PeerSession, reply: PeerFrame?)
        /// Ask the owner to decide on this `Hello`; answer with `admissionDecided`.
        indirect case awaitAdmission(Hello)
        /// Pass a decoded message on.
        case deliver(PeerInboundMessage)
        /// Write `finalFrame` if any, then close; log `reason`.
        indirect case close(PeerCloseReason, finalFrame: PeerFrame?)
    }

    private enum State {
        /// Connecting side before the channel is active; accepting side until `Hello` arrives.
        case idle
        case helloSent
        /// Accepting side (`admitting`): the owner is deciding on this `Hello`.
        case awaitingAdmission(Hello)
        case established(PeerSession)
        case refused
        case closed
    }

    private let side: Side
    private let limits: PeerProtocolLimits
    private var state: State = .idle

    public init(side: Side, limits: PeerProtocolLimits = .default) {
        self.side = side
        self.limits = limits
    }

    public var session: PeerSession? {
        if case .established(let session) = state { return session }
        return nil
    }

    public var isClosedOrRefused: Bool {
        switch state {
        case .refused, .closed: return true
        case .idle, .helloSent, .awaitingAdmission, .established: return false
        }
    }

    public mutating func channelActive() -> Action {
        guard case .idle = state, case .connecting(let hello) = side else { return .none }
        state = .helloSent
        return .send(hello.frame())
    }

    public mutating func frameReceived(_ frame: PeerFrame) -> Action {
        switch state {
        case .idle:
            switch side {
            case .accepting(let policy): return helloReceived(frame, policy: policy)
            case .admitting: return helloReceived(frame, policy: nil)
            case .connecting: return protocolViolation(.messageBeforeHandshake(frame.messageType))
            }
        case .awaitingAdmission:
            // The connecting side sends nothing after its Hello until it has the answer.
            return protocolViolation(.messageBeforeHandshake(frame.messageType))
        case .helloSent:
            return answerReceived(frame)
        case .established:
            return establishedFrameReceived(frame)
        case .refused, .closed:
            return .none
        }
    }

    /// The decoder rejected the byte stream; nothing more can be read from it.
    public mutating func protocolErrorCaught(_ error: PeerProtocolError) -> Action {
        guard !isClosedOrRefused else { return .none }
        return protocolViolation(error)
    }

    public mutating func handshakeTimedOut() -> Action {
        switch state {
        case .idle, .helloSent, .awaitingAdmission:
            state = .closed
            let text = PeerCloseReason.handshakeTimeout.description
            return .close(.handshakeTimeout, finalFrame: ErrorFrame(code: .protocolViolation, text: text).frame())
        case .established, .refused, .closed:
            return .none
        }
    }

    public mutating func channelInactive() {
        state = .closed
    }

    /// The owner's decision on the `Hello` of `awaitAdmission`. Ignored unless one is awaited
    /// (the connection may have closed or timed out meanwhile).
    public mutating func admissionDecided(_ answer: PeerAdmissionAnswer) -> Action {
        guard case .awaitingAdmission(let hello) = state else { return .none }
        switch answer {
        case .accept(let accepted):
            let session = PeerSession(
                protocolVersion: accepted.protocolVersion, features: accepted.connectionFeatures, peerNodeID: hello.nodeID,
                peerSoftwareVersion: hello.build.softwareVersion, peerHello: hello)
            state = .established(session)
            return .establish(session, reply: accepted.frame())
        case .refuse(let refusal):
            state = .refused
            return .close(.refusedPeer(refusal), finalFrame: HelloRefused(refusal).frame())
        }
    }

    // MARK: - Handshake

    /// `policy` nil: the owner decides (`Side.admitting`).
    private mutating func helloReceived(_ frame: PeerFrame, policy: HandshakePolicy?) -> Action {
        // A peer that gives up before its Hello (say, on its own handshake timeout) says why in
        // an Error frame; answering it would only add noise.
        if frame.messageType == .error, let error = try? ErrorFrame(decoding: frame, limits: limits) {
            return closedByPeer(error)
        }
        guard frame.messageType == .hello else { return protocolViolation(.messageBeforeHandshake(frame.messageType)) }
        let hello: Hello
        do {
            hello = try Hello(decoding: frame, limits: limits)
        } catch {
            state = .refused
            let refusal = HandshakeRefusal.malformed(detail: error.description)
            return .close(.refusedPeer(refusal), finalFrame: HelloRefused(refusal).frame())
        }
        guard let policy else {
            state = .awaitingAdmission(hello)
            return .awaitAdmission(hello)
        }
        let (decision, reply) = policy.answer(hello)
        switch decision {
        case .accept(let version, let features):
            let session = PeerSession(
                protocolVersion: version, features: features, peerNodeID: hello.nodeID,
                peerSoftwareVersion: hello.build.softwareVersion, peerHello: hello)
            state = .established(session)
            return .establish(session, reply: reply)
        case .refuse(let refusal):
            state = .refused
            return .close(.refusedPeer(refusal), finalFrame: reply)
        }
    }

    private mutating func answerReceived(_ frame: PeerFrame) -> Action {
        guard case .connecting(let hello) = side else { preconditionFailure("only the connecting side sends Hello") }
        do {
            switch frame.messageType {
            case .helloAccepted:
                let accepted = try HelloAccepted(decoding: frame, limits: limits)
                if let inconsistency = Self.inconsistency(of: accepted, with: hello) {
                    return protocolViolation(.inconsistentAcceptance(reason: inconsistency))
                }
                let session = PeerSession(
                    protocolVersion: accepted.protocolVersion, features: accepted.connectionFeatures,
                    peerNodeID: accepted.acceptorNodeID, peerSoftwareVersion: accepted.acceptorSoftwareVersion,
                    acceptance: accepted)
                state = .established(session)
                return .establish(session, reply: nil)
            case .helloRefused:
                let refused = try HelloRefused(decoding: frame, limits: limits)
                state = .refused
                return .close(.refusedByPeer(code: refused.code, text: refused.text), finalFrame: nil)
            case .error:
                return closedByPeer(try ErrorFrame(decoding: frame, limits: limits))
            default:
                return protocolViolation(.messageBeforeHandshake(frame.messageType))
            }
        } catch {
            return protocolViolation(error)
        }
    }

    /// Why an acceptance cannot be an answer to `hello`, or nil when it can.
    private static func inconsistency(of accepted: HelloAccepted, with hello: Hello) -> String? {
        let offered = hello.build.protocolVersions
        guard offered.contains(accepted.protocolVersion) else {
            return "protocol version \(accepted.protocolVersion) is outside our \(offered.lowerBound)...\(offered.upperBound)"
        }
        let extra = accepted.connectionFeatures.subtracting(hello.build.features)
        guard extra.isEmpty else {
            return "features \(extra.sorted().map(\.rawValue)) were not offered"
        }
        return nil
    }

    // MARK: - Established

    private mutating func establishedFrameReceived(_ frame: PeerFrame) -> Action {
        switch frame.messageType {
        case .hello, .helloAccepted, .helloRefused:
            return protocolViolation(.unexpectedHandshakeMessage(frame.messageType))
        default:
            break
        }
        let message: PeerInboundMessage?
        do {
            message = try PeerInboundMessage.decode(frame, limits: limits)
        } catch {
            return protocolViolation(error)
        }
        switch message {
        case .error(let error) where error.code == .protocolViolation:
            return closedByPeer(error)
        case .some(let message):
            return .deliver(message)
        case nil:
            return unknownMessageReceived(frame)
        }
    }

    /// A later release's message: dropped, or answered when the sender said it must be understood.
    private func unknownMessageReceived(_ frame: PeerFrame) -> Action {
        guard frame.flags.contains(.mustUnderstand) else { return .none }
        let error = ErrorFrame(
            code: .unsupportedMessage,
            text: "\(frame.messageType) is not supported by this peer",
            offendingMessageType: frame.messageType)
        return .send(error.frame())
    }

    // MARK: - Closing

    private mutating func protocolViolation(_ error: PeerProtocolError) -> Action {
        state = .closed
        let report = ErrorFrame(code: .protocolViolation, text: error.description)
        return .close(.protocolError(error), finalFrame: report.frame())
    }

    private mutating func closedByPeer(_ error: ErrorFrame) -> Action {
        state = .closed
        return .close(.closedByPeer(code: error.code, text: error.text), finalFrame: nil)
    }
}
