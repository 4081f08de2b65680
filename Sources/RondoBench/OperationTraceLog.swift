/// Every traced operation of a run (`--trace`), in intended-send order, and how many did not fit
/// under the bound. Not part of the JSON report: the CLI writes it as CSV next to it.
public struct OperationTraceLog: Sendable {
    public var operations: [OperationTrace]
    /// Operations finished after the bound was reached: traced nowhere, so a reader knows the
    /// file is incomplete rather than the run short.
    public var dropped: Int
    /// Wall-clock seconds at uptime zero, so the CSV's times line up with other tools' clocks.
    public var unixSecondsAtUptimeZero: Double

    public init(operations: [OperationTrace], dropped: Int, unixSecondsAtUptimeZero: Double) {
        self.operations = operations.sorted { $0.intendedSendUptimeNanoseconds < $1.intendedSendUptimeNanoseconds }
        self.dropped = dropped
        self.unixSecondsAtUptimeZero = unixSecondsAtUptimeZero
    }

    /// The header line and one line per operation.
    public var csv: String {
        var text = OperationTrace.csvHeader + "\n"
        text.reserveCapacity(operations.count * 48)
        for operation in operations {
            text += operation.csvLine(unixSecondsAtUptimeZero: unixSecondsAtUptimeZero)
            text += "\n"
        }
        return text
    }
}
