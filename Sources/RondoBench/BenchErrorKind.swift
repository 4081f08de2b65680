/// The kinds of failure a run counts separately; timeouts are counted on their own.
public enum BenchErrorKind: String, CaseIterable, Codable, Sendable {
    /// `ERROR`: the server did not understand the command.
    case error
    /// `CLIENT_ERROR …`
    case clientError
    /// `SERVER_ERROR …` (out of memory, object too large…)
    case serverError
    /// `NOT_STORED` on a plain `set`.
    case notStored
    /// A reply that does not fit the request in flight, or bytes the decoder cannot frame.
    case protocolViolation
    /// The request was in flight when its connection closed.
    case connectionLost
}
