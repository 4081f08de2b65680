public enum DeleteOutcome: Sendable, Equatable {
    case deleted, notFound, exists
}
