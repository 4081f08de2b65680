/// How the generator picks which key each operation touches.
public enum KeyDistribution: Equatable, Sendable {
    /// Every key equally likely.
    case uniform
    /// Key of rank k (1-based) chosen with probability proportional to 1 / k^exponent, so a few keys
    /// are hot, as in real caches.
    case zipf(exponent: Double)
}
