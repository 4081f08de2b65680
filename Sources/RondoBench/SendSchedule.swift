import NIOCore

/// When a connection may send its next request.
///
/// Closed loop: whenever a pipeline slot is free. Open loop: request `n` is due at
/// `start + n × interval` whether or not the server kept up; a late request keeps its intended
/// time, so the latency of a stall is measured in full.
public struct SendSchedule: Sendable {
    public enum Decision: Equatable, Sendable {
        /// Send now; measure latency from this instant.
        case sendNow(intendedTime: NIODeadline)
        /// Nothing is due before this instant.
        case waitUntil(NIODeadline)
    }

    private enum Mode: Sendable {
        case closedLoop
        case openLoop(start: NIODeadline, intervalNanoseconds: Int64)
    }

    private let mode: Mode
    private var issued: Int64 = 0

    public static var closedLoop: SendSchedule { SendSchedule(mode: .closedLoop) }

    /// The connection's share of `totalOpsPerSecond`. Each connection's start is offset by its
    /// index so the connections' requests interleave instead of arriving in bursts.
    public static func openLoop(
        start: NIODeadline,
        totalOpsPerSecond: Double,
        connectionIndex: Int,
        connectionCount: Int
    ) -> SendSchedule {
        let interval = Double(connectionCount) * 1e9 / totalOpsPerSecond
        let offset = Double(connectionIndex) * 1e9 / totalOpsPerSecond
        return SendSchedule(
            mode: .openLoop(
                start: start + .nanoseconds(Int64(offset)),
                intervalNanoseconds: max(1, Int64(interval))
            )
        )
    }

    private init(mode: Mode) {
        self.mode = mode
    }

    public func decide(now: NIODeadline) -> Decision {
        switch mode {
        case .closedLoop:
            return .sendNow(intendedTime: now)
        case .openLoop(let start, let interval):
            let due = start + .nanoseconds(issued * interval)
            return due <= now ? .sendNow(intendedTime: due) : .waitUntil(due)
        }
    }

    public mutating func didSend() {
        issued += 1
    }
}
