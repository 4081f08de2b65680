/// Why the reply to one part of a split multi-key retrieval cannot be merged.
enum RetrievalReplyError: Error, Sendable, Equatable {
    /// The owner answered `SERVER_ERROR <reason>` (or another error line).
    case serverError(String)
    /// The bytes are not VALUE blocks followed by one END.
    case malformed
    /// The owner returned a VALUE block for a key that was not asked of it, or out of order.
    case unexpectedKey

    var reason: String {
        switch self {
        case .serverError(let reason): return reason
        case .malformed: return "malformed reply from owner"
        case .unexpectedKey: return "unexpected key in reply from owner"
        }
    }
}
