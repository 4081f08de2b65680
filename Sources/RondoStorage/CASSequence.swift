import Synchronization

/// The one monotonically increasing source of 64-bit CAS uniques (memcached's `get_cas_id`).
/// Every modification takes the next value; touch does not (as in memcached).
final class CASSequence: Sendable {
    private let last = Atomic<UInt64>(0)

    func next() -> UInt64 {
        last.add(1, ordering: .relaxed).newValue
    }

    /// Imported items keep their CAS; later local modifications must still get larger ones.
    func raise(toAtLeast value: UInt64) {
        var current = last.load(ordering: .relaxed)
        while current < value {
            let (exchanged, original) = last.compareExchange(expected: current, desired: value, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
