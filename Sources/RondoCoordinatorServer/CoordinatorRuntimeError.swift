/// Why the coordinator stopped serving on its own.
enum CoordinatorRuntimeError: Error, CustomStringConvertible {
    /// A state write has not completed while this many actions queued up behind it.
    case persistenceStalled(pendingActions: Int)

    var description: String {
        switch self {
        case .persistenceStalled(let pending):
            return "the state file write has stalled with \(pending) actions waiting behind it"
        }
    }
}
