import NIOCore
import Synchronization

/// The address a server ends up listening on, for callers that bind port 0. Independent of the
/// server's event loops, so it can still be read after a failed bind shut them down. Shared by
/// every listening service (`NodeServer`, the coordinator's server).
public final class ListeningAddress: Sendable {
    private enum State {
        case pending([CheckedContinuation<SocketAddress, any Error>])
        case bound(SocketAddress)
        case failed(any Error)
    }

    private let state = Mutex(State.pending([]))

    public init() {}

    public func succeed(_ address: SocketAddress) { complete(.success(address)) }
    public func fail(_ error: any Error) { complete(.failure(error)) }

    private func complete(_ result: Result<SocketAddress, any Error>) {
        let waiting: [CheckedContinuation<SocketAddress, any Error>] = state.withLock { state in
            guard case .pending(let waiting) = state else { return [] }
            switch result {
            case .success(let address): state = .bound(address)
            case .failure(let error): state = .failed(error)
            }
            return waiting
        }
        for continuation in waiting { continuation.resume(with: result) }
    }

    public func value() async throws -> SocketAddress {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<SocketAddress, any Error>? = state.withLock { state in
                switch state {
                case .pending(let waiting):
                    state = .pending(waiting + [continuation])
                    return nil
                case .bound(let address): return .success(address)
                case .failed(let error): return .failure(error)
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }
}
