import RondoCore

/// Recording each batch's step timings, and their encoding. The history travels in a section of
/// the state file of its own, which older coordinators skip (`CoordinatorState.upgradeHistory`):
/// adding it changed neither the upgrade run's format nor the file's, so a coordinator rolled
/// back mid-upgrade still reads the run it must finish.
extension UpgradeRun {
    /// The newest batches kept: a record is ~100 bytes, the slot holds 1 MiB.
    public static let historyBatchesMax = 1024
    public static let historyFormatVersion: UInt16 = 1

    /// `enter` calls this: the current batch's record gets the step's start, or a new record
    /// begins when the batch (or the direction) changed.
    mutating func recordStep(_ next: UpgradeStep, now: Int64) {
        if let last = history.last, last.doneAtMilliseconds == nil, last.direction == direction, last.batchNumber == batchIndex + 1 {
            guard !last.steps.contains(where: { $0.step == next }) else { return }
            history[history.count - 1].steps.append(.init(step: next, atMilliseconds: now))
            return
        }
        recordBatchDone(now: now)
        history.append(
            UpgradeBatchRecord(
                direction: direction, batchNumber: batchIndex + 1, nodes: currentBatch, steps: [.init(step: next, atMilliseconds: now)],
                doneAtMilliseconds: nil))
        if history.count > Self.historyBatchesMax { history.removeFirst(history.count - Self.historyBatchesMax) }
    }

    /// The current batch is done (its health gate passed, or the run stopped at a boundary).
    mutating func recordBatchDone(now: Int64) {
        guard let last = history.last, last.doneAtMilliseconds == nil else { return }
        history[history.count - 1].doneAtMilliseconds = now
    }

    /// The history's encoding; should it ever outgrow the slot (a run keeps at most a forward
    /// and a rollback pass, far below it), the oldest records are left out.
    public var historySlot: UpgradeStateSlot {
        var kept = history[...]
        while true {
            let bytes = Self.encodeHistory(kept)
            if bytes.count <= UpgradeStateSlot.bytesMax { return UpgradeStateSlot(formatVersion: Self.historyFormatVersion, bytes: bytes) }
            kept = kept.dropFirst(max(1, kept.count / 8))
        }
    }

    private static func encodeHistory(_ records: ArraySlice<UpgradeBatchRecord>) -> [UInt8] {
        var writer = StateWriter()
        writer.write(UInt32(records.count))
        for record in records {
            writer.write(record.direction.rawValue)
            writer.write(UInt32(record.batchNumber))
            Self.writeNodes(record.nodes, into: &writer)
            writer.write(UInt8(record.steps.count))
            for start in record.steps {
                writer.write(start.step.rawValue)
                writer.write(start.atMilliseconds)
            }
            writer.writeBool(record.doneAtMilliseconds != nil)
            writer.write(record.doneAtMilliseconds ?? 0)
        }
        return writer.bytes
    }

    public static func history(decoding slot: UpgradeStateSlot) throws(UpgradeStateDecodeError) -> [UpgradeBatchRecord] {
        guard slot.formatVersion == historyFormatVersion else { throw .unsupportedFormat(slot.formatVersion) }
        do throws(CoordinatorStateDecodeError) {
            var reader = StateReader(slot.bytes)
            let count = try reader.readCount(max: historyBatchesMax, itemBytesMin: 19, field: "upgrade history")
            var records: [UpgradeBatchRecord] = []
            records.reserveCapacity(count)
            for _ in 0..<count {
                let direction = try readEnum(&reader, Direction.self, field: "upgrade history direction")
                let batchNumber = Int(try reader.read(UInt32.self))
                let nodes = try readNodes(&reader)
                let stepCount = Int(try reader.read(UInt8.self))
                guard stepCount <= UpgradeStep.allCases.count else { throw .fieldOutOfRange(field: "upgrade history steps", value: stepCount) }
                var steps: [UpgradeBatchRecord.StepStart] = []
                for _ in 0..<stepCount {
                    let step = try readEnum(&reader, UpgradeStep.self, field: "upgrade history step")
                    steps.append(.init(step: step, atMilliseconds: try reader.read(Int64.self)))
                }
                let done = try reader.readBool(field: "upgrade history done flag")
                let doneAt = try reader.read(Int64.self)
                records.append(
                    UpgradeBatchRecord(direction: direction, batchNumber: batchNumber, nodes: nodes, steps: steps, doneAtMilliseconds: done ? doneAt : nil))
            }
            guard reader.remaining == 0 else { throw .trailingBytes(section: CoordinatorState.Section.upgradeHistory, count: reader.remaining) }
            return records
        } catch {
            throw .malformed(error)
        }
    }
}
