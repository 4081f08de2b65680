import Logging
import RondoNodeRuntime
import RondoServer
import ServiceLifecycle
import Synchronization

/// The process side of an in-place restart (`RestartNode` mode 1). On the order it checks the
/// binary, takes a descriptor of the listening socket that survives `exec`, and shuts the node's
/// services down gracefully: the server stops accepting (its own descriptor closes; the socket
/// keeps listening, so clients wait in the backlog) and drains in-flight requests within
/// `--drain-timeout`, then the runtime closes its peer and coordinator sessions. When the
/// services have stopped, `NodeCommand` calls `replaceProcess()`.
final class InPlaceRestart: Sendable {
    private struct State {
        var server: NodeServer?
        var services: ServiceGroup?
        var plan: RestartPlan?
    }

    private let arguments: [String]
    private let logger: Logger
    private let state = Mutex(State())

    /// `arguments`: this process's `argv`, which the new process gets again.
    init(arguments: [String], logger: Logger) {
        self.arguments = arguments
        self.logger = logger
    }

    func attach(server: NodeServer, services: ServiceGroup) {
        state.withLock {
            $0.server = server
            $0.services = services
        }
    }

    /// The restart the services stopped for, if any.
    var plan: RestartPlan? { state.withLock { $0.plan } }

    /// Starts the restart; false (logged) when it cannot: the node keeps serving.
    func requested(binaryPath: String?) -> Bool {
        let executable = binaryPath ?? RestartPlan.ownExecutable
        do {
            try ProcessReplacement.checkExecutable(executable)
        } catch {
            logger.error("cannot restart in place; still serving", metadata: ["error": "\(error)"])
            return false
        }
        let started: Result<ServiceGroup, any Error> = state.withLock { state in
            guard state.plan == nil else { return .failure(ProcessReplacement.Failure(description: "a restart is already under way")) }
            guard let server = state.server, let services = state.services else {
                return .failure(ProcessReplacement.Failure(description: "the node is not serving yet"))
            }
            do {
                let descriptor = try server.duplicateListeningSocketForExec()
                state.plan = RestartPlan(binaryPath: binaryPath, arguments: arguments, listenDescriptor: descriptor)
                return .success(services)
            } catch {
                return .failure(error)
            }
        }
        switch started {
        case .failure(let error):
            logger.error("cannot restart in place; still serving", metadata: ["error": "\(error)"])
            return false
        case .success(let services):
            logger.notice("restarting in place: draining clients, then re-executing", metadata: ["binary": "\(executable)"])
            Task { await services.triggerGracefulShutdown() }
            return true
        }
    }

    /// Becomes the new process. Returns only if that failed: then it tries this process's own
    /// binary (same version, so the coordinator sees the node back but not upgraded, and pauses
    /// the upgrade saying so) and, failing that too, throws.
    func replaceProcess(_ plan: RestartPlan) throws -> Never {
        logger.notice(
            "re-executing", metadata: ["binary": "\(plan.executable)", "listen_fd": "\(plan.listenDescriptor)", "argv": "\(plan.arguments)"])
        let failure = ProcessReplacement.execute(plan)
        logger.error("in-place restart failed; restarting on this binary", metadata: ["error": "\(failure)"])
        let fallback = RestartPlan(binaryPath: nil, arguments: arguments, listenDescriptor: plan.listenDescriptor)
        throw ProcessReplacement.execute(fallback)
    }
}
