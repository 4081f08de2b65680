import Logging
import RondoNodeRuntime
import RondoServer
import ServiceLifecycle

/// Runs the client server of a node that re-executed itself (in-place restart) only once the
/// cluster runtime holds a routing table, within `waitMax`.
///
/// Why: the new process inherits a listening socket that clients kept connecting to during the
/// restart. Served at once, every request before the coordinator's first table push is answered
/// `SERVER_ERROR no routing table yet` (the rolling-upgrade demo saw ~100 per restarted node, some
/// of them client errors when the retry hit another restarting moment). Not accepted yet, those
/// clients wait in the socket's backlog instead, and are served a moment later with a table. The
/// wait is bounded: after `waitMax` the server starts anyway and answers as before.
struct ServeAfterFirstTable: Service {
    static let pollInterval = Duration.milliseconds(10)

    let server: NodeServer
    let runtime: ClusterRuntime
    let waitMax: Duration
    let logger: Logger

    func run() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        while runtime.routingSnapshot.router == nil, clock.now - start < waitMax {
            // Shut down before serving: there is nothing to drain.
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            try? await Task.sleep(for: Self.pollInterval)
        }
        let waited = clock.now - start
        if runtime.routingSnapshot.router == nil {
            logger.warning("no routing table yet after the in-place restart; serving the inherited socket anyway", metadata: ["waited": "\(waited)"])
        } else {
            logger.info("routing table received after the in-place restart; serving the inherited socket", metadata: ["waited": "\(waited)"])
        }
        try await server.run()
    }
}
