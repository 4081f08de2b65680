/// The retry rule of a verifying run, as memcached clients with failover apply it: an operation
/// that fails (error reply, timeout, connection reset or refused) is retried once on another server;
/// only when the retry fails too is it a client error.
public struct OperationAttempts: Equatable, Sendable {
    /// The first try and one retry.
    public static let attemptsMax = 2

    /// What to do after a failed attempt.
    public enum AfterFailure: Equatable, Sendable {
        case retry(serverIndex: Int)
        case clientError
    }

    public let serverCount: Int
    /// The server the current attempt goes to.
    public private(set) var serverIndex: Int
    /// 1 for the first try, 2 for the retry.
    public private(set) var attempt = 1

    public init(serverIndex: Int, serverCount: Int) {
        precondition(serverCount >= 1 && (0..<serverCount).contains(serverIndex), "a server of the list")
        self.serverIndex = serverIndex
        self.serverCount = serverCount
    }

    public var isRetry: Bool { attempt > 1 }

    /// The retry goes to the next server of the list that `isPassedOver` does not exclude (a server
    /// the client saw fail moments ago), or to the plain next one when every other is excluded
    /// (the same one when there is only one).
    public mutating func failed(isPassedOver: (Int) -> Bool = { _ in false }) -> AfterFailure {
        guard attempt < Self.attemptsMax else { return .clientError }
        attempt += 1
        let failedServer = serverIndex
        serverIndex = (failedServer + 1) % serverCount
        for offset in 1..<max(serverCount, 2) {
            let candidate = (failedServer + offset) % serverCount
            if !isPassedOver(candidate) {
                serverIndex = candidate
                break
            }
        }
        return .retry(serverIndex: serverIndex)
    }
}
