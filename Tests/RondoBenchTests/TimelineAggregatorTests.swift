import Testing

@testable import RondoBench

@Suite struct TimelineAggregatorTests {
    private func snapshot(gets: Int, hits: Int, sets: Int, latency: UInt64, timeouts: UInt64 = 0) -> IntervalStatistics {
        var statistics = IntervalStatistics()
        for index in 0..<gets {
            statistics.record(.get, index < hits ? .hit : .miss, latencyMicroseconds: latency)
        }
        for _ in 0..<sets {
            statistics.record(.set, .stored, latencyMicroseconds: latency)
        }
        statistics.timeouts = timeouts
        return statistics
    }

    @Test func mergesLoopsIntoOneEntryPerInterval() {
        var timeline = TimelineAggregator()
        timeline.append([snapshot(gets: 90, hits: 80, sets: 10, latency: 100), snapshot(gets: 90, hits: 90, sets: 10, latency: 300)], intervalSeconds: 1)
        timeline.append([snapshot(gets: 0, hits: 0, sets: 50, latency: 1_000, timeouts: 2)], intervalSeconds: 0.5)

        #expect(timeline.entries.count == 2)
        let first = timeline.entries[0]
        #expect(first.gets == 180 && first.sets == 20 && first.hits == 170 && first.misses == 10)
        #expect(first.opsPerSecond == 200)
        #expect(first.elapsedSeconds == 1)
        #expect(first.latencyMicroseconds.p50 == 100)
        #expect(first.latencyMicroseconds.max >= 300 && first.latencyMicroseconds.max < 301)

        let second = timeline.entries[1]
        #expect(second.opsPerSecond == 100, "50 sets in half a second")
        #expect(second.elapsedSeconds == 1.5)
        #expect(second.timeouts == 2)

        #expect(timeline.total.operations == 250)
        #expect(timeline.elapsedSeconds == 1.5)
    }

    @Test func summaryDerivesRatesAndHitRatio() {
        var timeline = TimelineAggregator()
        timeline.append([snapshot(gets: 100, hits: 75, sets: 100, latency: 50)], intervalSeconds: 2)
        let summary = BenchSummary(timeline.total, durationSeconds: timeline.elapsedSeconds)
        #expect(summary.opsPerSecond == 100)
        #expect(summary.getsPerSecond == 50)
        #expect(summary.setsPerSecond == 50)
        #expect(summary.hitRatio == 0.75)
        #expect(summary.latencyMicroseconds.p99 == 50)
    }

    @Test func anEmptyIntervalReportsZeroes() {
        var timeline = TimelineAggregator()
        timeline.append([IntervalStatistics()], intervalSeconds: 1)
        #expect(timeline.entries[0].opsPerSecond == 0)
        #expect(timeline.entries[0].latencyMicroseconds == LatencySummary(p50: 0, p99: 0, p999: 0, max: 0, mean: 0))
        #expect(BenchSummary(timeline.total, durationSeconds: 1).hitRatio == 0)
    }

    @Test func errorsAreCountedByKind() {
        var statistics = IntervalStatistics()
        statistics.record(.set, .failed(.serverError), latencyMicroseconds: 10)
        statistics.record(.get, .failed(.clientError), latencyMicroseconds: 10)
        statistics.errors[.connectionLost] += 3
        #expect(statistics.errors.serverError == 1)
        #expect(statistics.errors.clientError == 1)
        #expect(statistics.errors.total == 5)
        #expect(statistics.operations == 2)
    }
}
