import RondoCluster
import RondoCore
import XCTest

final class TransferThrottleTests: XCTestCase {
    /// Sends `batchBytes` batches while the throttle allows, ticking every 10 ms as the node does,
    /// and returns the bytes sent in `seconds`.
    private func bytesSent(bytesPerSecond: Int, burstBytes: Int, batchBytes: Int, seconds: Int64) -> Int {
        var throttle = TransferThrottle(bytesPerSecond: bytesPerSecond, burstBytes: burstBytes, now: instant(0))
        var sent = 0
        for millisecond in stride(from: Int64(0), to: seconds * 1000, by: 10) {
            let now = instant(millisecond)
            // At most 32 batches a tick: a fast copy's throttle must not hold it to one.
            for _ in 0..<32 where throttle.sendableAt(now: now) <= now {
                throttle.consume(bytes: batchBytes, now: now)
                sent += batchBytes
            }
        }
        return sent
    }

    /// A burst smaller than a tick's worth of the rate held every copy to one batch per tick:
    /// 32 KiB batches at 100 MB/s moved 3 MB/s.
    func testABurstBelowOneTickOfTheRateDoesNotHoldACopyToOneBatchPerTick() {
        let sent = bytesSent(bytesPerSecond: 100_000_000, burstBytes: 8 << 10, batchBytes: 32 << 10, seconds: 2)
        XCTAssertGreaterThan(sent, 2 * 80_000_000, "at least 80% of the rate")
        XCTAssertLessThanOrEqual(sent, 2 * 100_000_000 + (2_000_000 + (32 << 10)), "the rate, one burst and one batch of debt")
    }

    func testTheRateIsKeptOverTime() {
        for rate in [4_096, 1 << 20, 8 << 20, 64 << 20] {
            let sent = bytesSent(bytesPerSecond: rate, burstBytes: 8 << 10, batchBytes: 32 << 10, seconds: 5)
            let burst = max(8 << 10, rate / 1000 * TransferThrottle.burstMillisecondsMin)
            XCTAssertLessThanOrEqual(sent, 5 * rate + burst + (32 << 10), "rate \(rate)")
            XCTAssertGreaterThanOrEqual(sent, 5 * rate - (64 << 10), "rate \(rate)")
        }
    }

    func testLoweringTheRateShrinksTheBurst() {
        var throttle = TransferThrottle(bytesPerSecond: 100_000_000, burstBytes: 8 << 10, now: instant(0))
        XCTAssertEqual(throttle.burstBytes, 2_000_000)
        throttle.setBytesPerSecond(4_096, now: instant(0))
        XCTAssertEqual(throttle.burstBytes, 8 << 10)
        // The tokens saved under the old rate are cut to the new burst: one batch, then a wait.
        throttle.consume(bytes: 32 << 10, now: instant(0))
        XCTAssertGreaterThan(throttle.sendableAt(now: instant(0)), instant(0))
    }
}
