import RondoPeer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rondo ctl upgrade status --watch SECONDS`: one process asks the coordinator every `interval`
/// until the upgrade stops running. A script that polled `upgrade status` started a process each
/// time (~24 ms of CPU apiece: five a second cost a busy 2-core host more than the upgrade's own
/// control traffic); a terminal gets a view redrawn in place.
///
/// Ends with 0 once the upgrade is completed, aborted or rolled back; 1 when the coordinator
/// refuses (no upgrade); 2 when it cannot be reached for `--timeout` seconds in a row (a
/// coordinator restarting mid-upgrade is waited for that long).
struct UpgradeStatusWatch {
    let connection: CtlCLICommand.Connection
    let interval: Double

    func run() async throws {
        let redraw = !connection.json && isatty(STDOUT_FILENO) == 1
        var unreachableSince: ContinuousClock.Instant?
        while true {
            let reply: CtlReply
            do {
                reply = try await connection.send(.upgradeStatus)
                unreachableSince = nil
            } catch {
                let since = unreachableSince ?? .now
                unreachableSince = since
                guard ContinuousClock.now - since < .seconds(connection.timeout) else { throw connection.unreachable(error) }
                try await Task.sleep(for: .seconds(interval))
                continue
            }
            try connection.requireAccepted(reply)
            if redraw {
                // Home and clear, then the view: the bar moves in place.
                print("\u{1B}[H\u{1B}[2J" + reply.text)
            } else {
                print(connection.json ? reply.json : reply.text + "\n")
            }
            fflush(nil)  // every stream: a pipe reader sees each answer as it comes
            guard Self.isRunning(reply) else { return }
            try await Task.sleep(for: .seconds(interval))
        }
    }

    /// The status's outcome, from its JSON (`"outcome":"running"`): the reply carries no typed
    /// status, and the JSON is the documented, stable form of it.
    static func isRunning(_ reply: CtlReply) -> Bool {
        reply.json.contains(#""outcome":"running""#)
    }
}
