import NIOCore

/// Runs a `PeerHandshakeStateMachine` over a channel whose pipeline has a `PeerFrameDecoder`
/// (in a `ByteToMessageHandler`) and a `PeerFrameEncoder` (in a `MessageToByteHandler`) before it.
///
/// Arms the handshake timeout when the channel becomes active, passes decoded messages on once
/// the handshake is done, and turns every protocol error (from the decoder or the state machine)
/// into a `PeerConnectionEvent.closing` event followed by a close, never a crash. Handlers after
/// this one should not write before they see `PeerConnectionEvent.established`.
///
/// With `Side.admitting` it fires `PeerConnectionEvent.admissionRequested(hello)` and waits (under
/// the same handshake timeout) for a `PeerAdmissionAnswer` sent as a user outbound event.
public final class PeerHandshakeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = PeerFrame
    public typealias InboundOut = PeerInboundMessage
    public typealias OutboundIn = PeerFrame
    public typealias OutboundOut = PeerFrame

    public static let handshakeTimeoutDefault = TimeAmount.seconds(10)

    private var stateMachine: PeerHandshakeStateMachine
    private let handshakeTimeout: TimeAmount
    private var timeoutTask: Scheduled<Void>?

    public init(side: PeerHandshakeStateMachine.Side, limits: PeerProtocolLimits = .default, handshakeTimeout: TimeAmount = handshakeTimeoutDefault) {
        self.stateMachine = PeerHandshakeStateMachine(side: side, limits: limits)
        self.handshakeTimeout = handshakeTimeout
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimeout()
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        cancelTimeout()
        stateMachine.channelInactive()
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        perform(stateMachine.frameReceived(unwrapInboundIn(data)), context: context)
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let protocolError = error as? PeerProtocolError else {
            context.fireErrorCaught(error)
            return
        }
        perform(stateMachine.protocolErrorCaught(protocolError), context: context)
    }

    public func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let answer = event as? PeerAdmissionAnswer else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        perform(stateMachine.admissionDecided(answer), context: context)
        promise?.succeed(())
    }

    private func start(context: ChannelHandlerContext) {
        guard timeoutTask == nil, !stateMachine.isClosedOrRefused else { return }
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: handshakeTimeout) { [self] in
            self.perform(self.stateMachine.handshakeTimedOut(), context: loopBoundContext.value)
        }
        perform(stateMachine.channelActive(), context: context)
    }

    private func cancelTimeout() {
        timeoutTask?.cancel()
        timeoutTask = nil
    }

    private func perform(_ action: PeerHandshakeStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .send(let frame):
            context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        case .establish(let session, let reply):
            cancelTimeout()
            if let reply { context.writeAndFlush(wrapOutboundOut(reply), promise: nil) }
            context.fireUserInboundEventTriggered(PeerConnectionEvent.established(session))
        case .awaitAdmission(let hello):
            context.fireUserInboundEventTriggered(PeerConnectionEvent.admissionRequested(hello))
        case .deliver(let message):
            context.fireChannelRead(wrapInboundOut(message))
        case .close(let reason, let finalFrame):
            cancelTimeout()
            context.fireUserInboundEventTriggered(PeerConnectionEvent.closing(reason))
            if let finalFrame {
                // Best effort: the peer learns why, but the close does not wait on a slow reader.
                context.writeAndFlush(wrapOutboundOut(finalFrame), promise: nil)
            }
            context.close(promise: nil)
        }
    }
}
