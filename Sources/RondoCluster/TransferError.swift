import RondoStorage

/// Why a transfer target rejected a batch; the transfer is abandoned and scheduled again.
public enum TransferError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedBody(ReplicationDecodeError)
    case malformedCursor(bytes: Int)
    case wrongVnode(expected: Int, received: Int)
    /// Batches arrive in order on one connection; anything else means one was lost.
    case batchOutOfOrder(expected: UInt64, received: UInt64)
    case missingSnapshotSequence
    case snapshotAlreadyComplete
    case importFailed(StoreOutcome)

    public var description: String {
        switch self {
        case .malformedBody(let error): return "transfer body: \(error)"
        case .malformedCursor(let bytes): return "transfer cursor of \(bytes) bytes is not a batch index"
        case .wrongVnode(let expected, let received): return "transfer batch for vnode \(received), expected \(expected)"
        case .batchOutOfOrder(let expected, let received): return "transfer batch \(received), expected \(expected)"
        case .missingSnapshotSequence: return "last transfer batch without a snapshot sequence"
        case .snapshotAlreadyComplete: return "transfer batch after the last one"
        case .importFailed(let outcome): return "store refused a transferred item: \(outcome)"
        }
    }
}
