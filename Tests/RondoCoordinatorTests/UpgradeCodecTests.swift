import RondoCore
import RondoPeer
import XCTest

@testable import RondoCoordinator

final class UpgradeCodecTests: XCTestCase {
    private func sampleRun() -> UpgradeRun {
        var run = UpgradeRun(
            request: CoordinatorHarness.request(binary: "/opt/rondo", strategy: .group(batchSize: 2), mode: .external, autoFinalize: true),
            direction: .forward, rollbackBinaryPath: "/opt/old", originalVersions: [node("a"): SemanticVersion("0.1.0")!, node("b"): SemanticVersion("0.1.1")!],
            batches: [[node("a"), node("b")], [node("c")]], batchIndex: 1, step: .restart, stepStartedAtMilliseconds: -5,
            stepDeadlineMilliseconds: 99, returned: [node("c")], reconnected: [node("c")], pausedReason: "paused by the operator",
            stopRequest: .rollback(binaryPath: nil), outcome: .running, startedAtMilliseconds: 7, finishedAtMilliseconds: nil,
            nodesDone: 2, baselineTransfers: 11, baselineBytes: 12_345)
        run.enter(.restart, now: 1_000)
        // The step timings travel in their own slot (`historySlot`, UpgradeHistoryTests).
        run.history = []
        return run
    }

    func testRoundTrip() throws {
        let run = sampleRun()
        XCTAssertEqual(try UpgradeRun(decoding: run.slot), run)
        var atomic = run
        atomic.request.strategy = .atomic
        atomic.request.targetVersion = nil
        atomic.stopRequest = .abort
        atomic.finishedAtMilliseconds = 5
        atomic.pausedReason = nil
        XCTAssertEqual(try UpgradeRun(decoding: atomic.slot), atomic)
    }

    func testRoundTripThroughTheStateFile() throws {
        var state = CoordinatorState(clusterName: "c", vnodeCount: try VnodeCount(16), replicaCount: 1)
        state.upgrade = sampleRun().slot
        let decoded = try CoordinatorState(decoding: state.encoded())
        XCTAssertEqual(try UpgradeRun(decoding: decoded.upgrade!), sampleRun())
    }

    func testCorruptBytesAreTypedErrors() {
        let slot = sampleRun().slot
        for length in [0, 1, 10, slot.bytes.count / 2, slot.bytes.count - 1] {
            let cut = UpgradeStateSlot(formatVersion: slot.formatVersion, bytes: Array(slot.bytes.prefix(length)))
            XCTAssertThrowsError(try UpgradeRun(decoding: cut)) { error in
                guard case .malformed = error as? UpgradeStateDecodeError else { return XCTFail("\(error) at \(length)") }
            }
        }
        XCTAssertThrowsError(try UpgradeRun(decoding: UpgradeStateSlot(formatVersion: slot.formatVersion, bytes: slot.bytes + [0]))) {
            guard case .malformed(.trailingBytes) = $0 as? UpgradeStateDecodeError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try UpgradeRun(decoding: UpgradeStateSlot(formatVersion: 2, bytes: slot.bytes))) {
            XCTAssertEqual($0 as? UpgradeStateDecodeError, .unsupportedFormat(2))
        }
        // Random corruption never traps.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var bytes = slot.bytes
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            _ = try? UpgradeRun(decoding: UpgradeStateSlot(formatVersion: slot.formatVersion, bytes: bytes))
        }
    }
}
