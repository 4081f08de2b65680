import NIOCore

/// The verifier's memory of one worker's keys: for each, the newest write it issued and the newest
/// one the server acknowledged (`STORED`). Pure bookkeeping, no I/O.
///
/// Keys are partitioned: worker `w` of `W` owns the key indices `w, w+W, w+2W, …` and is the only one
/// that writes them, with at most one request in flight. So "the newest write acknowledged before
/// this read was sent" is simply the record's `acknowledged` when the read is judged: nothing else
/// can move it meanwhile. Memory: 8 bytes per key (two `UInt32`), `keyCount × 8` bytes in all.
public struct VerifyLedger: Sendable {
    public struct Record: Equatable, Sendable {
        /// 0: never written by this run.
        public var issued: UInt32 = 0
        public var acknowledged: UInt32 = 0
    }

    /// How a read compared with the ledger.
    public enum ReadVerdict: Equatable, Sendable {
        /// The newest acknowledged write, or a newer one still unacknowledged (in flight or failed).
        case current
        /// An older write than the newest acknowledged one, or a miss after an acknowledged write.
        case stale
        /// Bytes that are no value of this key's writes: another key's value, garbage, a write
        /// number never issued.
        case corrupt
    }

    public let workerIndex: Int
    public let workerCount: Int
    private var records: [Record]

    public init(workerIndex: Int, workerCount: Int, keyCount: Int) {
        precondition(workerCount >= 1 && (0..<workerCount).contains(workerIndex), "a worker of the run")
        self.workerIndex = workerIndex
        self.workerCount = workerCount
        records = Array(repeating: Record(), count: Self.ownedKeyCount(workerIndex: workerIndex, workerCount: workerCount, keyCount: keyCount))
    }

    /// Keys `w, w+W, …` below `keyCount`: how many worker `w` of `W` owns.
    public static func ownedKeyCount(workerIndex: Int, workerCount: Int, keyCount: Int) -> Int {
        keyCount > workerIndex ? (keyCount - workerIndex + workerCount - 1) / workerCount : 0
    }

    /// Keys this worker owns.
    public var ownedKeyCount: Int { records.count }

    /// The global key index of the worker's `slot`-th key.
    public func keyIndex(ofSlot slot: Int) -> Int { slot * workerCount + workerIndex }

    public func record(ofKey keyIndex: Int) -> Record? {
        slot(of: keyIndex).map { records[$0] }
    }

    /// The write number for a new set of the key, recorded as issued.
    public mutating func issueWrite(keyIndex: Int) -> UInt32 {
        guard let slot = slot(of: keyIndex) else { preconditionFailure("key \(keyIndex) is not this worker's") }
        // UInt32 write numbers: four billion writes of one key outlast any run.
        records[slot].issued &+= 1
        return records[slot].issued
    }

    /// The server said `STORED` for this write.
    public mutating func acknowledge(keyIndex: Int, writeNumber: UInt32) {
        guard let slot = slot(of: keyIndex) else { return }
        records[slot].acknowledged = max(records[slot].acknowledged, writeNumber)
    }

    /// Judges a read's result: `nil` for a miss, otherwise the value's bytes as decoded (a nil
    /// `value` with `hit` means the bytes did not decode).
    public func judgeRead(keyIndex: Int, result: ReadResult) -> ReadVerdict {
        guard let record = record(ofKey: keyIndex) else { return .corrupt }
        switch result {
        case .miss:
            return record.acknowledged == 0 ? .current : .stale
        case .undecodable:
            return .corrupt
        case .value(let value):
            guard value.keyIndex == keyIndex, value.writeNumber >= 1, value.writeNumber <= record.issued else { return .corrupt }
            return value.writeNumber >= record.acknowledged ? .current : .stale
        }
    }

    /// Keys written (issued at least once) by this run, for the final read-back.
    public var writtenKeyIndices: [Int] {
        records.indices.filter { records[$0].issued > 0 }.map(keyIndex(ofSlot:))
    }

    private func slot(of keyIndex: Int) -> Int? {
        guard keyIndex >= 0, keyIndex % workerCount == workerIndex else { return nil }
        let slot = keyIndex / workerCount
        return slot < records.count ? slot : nil
    }
}

/// What a `get` returned, as the verifier sees it.
public enum ReadResult: Equatable, Sendable {
    case miss
    case value(VerifiedValue)
    /// A hit whose bytes are not a `VerifiedValue`.
    case undecodable

    public init(hitData: ByteBuffer?) {
        guard let hitData else {
            self = .miss
            return
        }
        self = VerifiedValue(decoding: hitData).map(ReadResult.value) ?? .undecodable
    }
}
