/// How one request ended, as far as the statistics care.
public enum RequestOutcome: Equatable, Sendable {
    case hit
    case miss
    case stored
    case failed(BenchErrorKind)
}
