import Logging
import NIOCore
import NIOPosix
import RondoCore
import RondoPeer
import RondoPeerTransport

/// One `rondo ctl` request: connect with role ctl, send the request, wait for its reply, close.
/// Every step is bounded by `timeout`.
public enum CtlClient {
    public static func request(
        _ command: CtlRequest.Command, host: String, port: Int, clusterName: String,
        nodeID: NodeID = NodeID("ctl")!, timeout: TimeAmount = .seconds(10), logger: Logger
    ) async throws -> CtlReply {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let reply = try await request(
                command, host: host, port: port, clusterName: clusterName, nodeID: nodeID, timeout: timeout, loop: group.next(),
                logger: logger)
            try? await group.shutdownGracefully()
            return reply
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func request(
        _ command: CtlRequest.Command, host: String, port: Int, clusterName: String, nodeID: NodeID, timeout: TimeAmount,
        loop: any EventLoop, logger: Logger
    ) async throws -> CtlReply {
        let address = "\(host):\(port)"
        let requestID: UInt64 = 1
        let hello = Hello(clusterName: clusterName, nodeID: nodeID, role: .ctl, build: .current)
        let reply = loop.makePromise(of: CtlReply.self)
        let onEvent: @Sendable (PeerConnection, PeerChannelEvent) -> Void = { connection, event in
            switch event {
            case .established:
                connection.send(CtlRequest(requestID: requestID, command: command))
            case .message(.ctlReply(let answer)) where answer.requestID == requestID:
                reply.succeed(answer)
                connection.close()
            case .closed(let reason):
                switch reason {
                case .protocolClose(.refusedByPeer), .protocolClose(.handshakeTimeout):
                    reply.fail(CtlClientError.handshakeFailed(address: address, reason: reason.description))
                default:
                    reply.fail(CtlClientError.closedBeforeReply(address: address, reason: reason))
                }
            case .admissionRequested, .message:
                break
            }
        }
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        _ = try PeerPipeline.configure(
                            channel, side: .connecting(hello), handshakeTimeout: timeout, logger: logger, onEvent: onEvent)
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            reply.fail(error)
            throw CtlClientError.cannotConnect(address: address, reason: Self.describe(error))
        }
        let deadline = loop.scheduleTask(in: timeout) {
            reply.fail(CtlClientError.timedOut(address: address, seconds: timeout.nanoseconds / 1_000_000_000))
        }
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        return try await reply.futureResult.get()
    }

    /// "connection refused" rather than NIO's full error dump.
    private static func describe(_ error: any Error) -> String {
        if let connect = error as? NIOConnectionError, let first = connect.connectionErrors.first {
            return describe(first.error)
        }
        if let io = error as? IOError {
            return String(cString: strerror(io.errnoCode)).lowercased()
        }
        return "\(error)"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
