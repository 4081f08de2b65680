/// Why a run could not take place at all.
public enum BenchError: Error, Sendable, CustomStringConvertible {
    /// A server refused or did not answer the connection at start; a benchmark of a partly reachable
    /// cluster would measure the wrong thing, so the run stops before it starts.
    case serverUnreachable(ServerAddress, reason: String)

    public var description: String {
        switch self {
        case .serverUnreachable(let server, let reason):
            return "cannot connect to \(server): \(reason)"
        }
    }
}
