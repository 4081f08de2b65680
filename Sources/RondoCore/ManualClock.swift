import Synchronization

/// A clock that moves only when told: for tests and the deterministic simulation.
public final class ManualClock: ServerClock {
    private let seconds: Atomic<Int64>

    public init(startingAt seconds: Int64 = 1_700_000_000) {
        self.seconds = Atomic(seconds)
    }

    public func nowSeconds() -> Int64 { seconds.load(ordering: .relaxed) }

    public func advance(bySeconds delta: Int64) {
        seconds.add(delta, ordering: .relaxed)
    }

    public func set(seconds value: Int64) {
        seconds.store(value, ordering: .relaxed)
    }
}
