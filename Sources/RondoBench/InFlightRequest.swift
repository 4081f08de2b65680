import NIOCore

/// A request sent and not yet answered.
public struct InFlightRequest: Equatable, Sendable {
    public var operation: BenchOperation
    /// When the schedule meant it to go out. Latency counts from here, so in open-loop mode a stall
    /// that delays sending shows up in the latency (no coordinated omission).
    public var intendedSendTime: NIODeadline
    /// When it actually went out; the per-request timeout counts from here.
    public var sendTime: NIODeadline

    public init(operation: BenchOperation, intendedSendTime: NIODeadline, sendTime: NIODeadline) {
        self.operation = operation
        self.intendedSendTime = intendedSendTime
        self.sendTime = sendTime
    }
}
