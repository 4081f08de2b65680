/// Severity of a `.log` action; the runtime maps it to swift-log levels (libraries log at `info`
/// or below, so operator-relevant trouble is `warning`/`error` only when the cluster is degraded).
public enum LogLevel: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
    case debug, info, notice, warning, error

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .debug: return "debug"
        case .info: return "info"
        case .notice: return "notice"
        case .warning: return "warning"
        case .error: return "error"
        }
    }
}
