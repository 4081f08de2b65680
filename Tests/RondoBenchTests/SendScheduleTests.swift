import NIOCore
import Testing

@testable import RondoBench

@Suite struct SendScheduleTests {
    @Test func openLoopKeepsIntendedTimesWhenLate() {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        // 1000 ops/s over 2 connections: each connection sends every 2 ms; connection 1 is offset 1 ms.
        var schedule = SendSchedule.openLoop(start: start, totalOpsPerSecond: 1_000, connectionIndex: 1, connectionCount: 2)
        #expect(schedule.decide(now: start) == .waitUntil(start + .milliseconds(1)))

        // The client was stalled for 10 ms: the overdue requests keep their own intended times.
        let late = start + .milliseconds(10)
        #expect(schedule.decide(now: late) == .sendNow(intendedTime: start + .milliseconds(1)))
        schedule.didSend()
        #expect(schedule.decide(now: late) == .sendNow(intendedTime: start + .milliseconds(3)))
    }

    @Test func closedLoopSendsNow() {
        let now = NIODeadline.uptimeNanoseconds(5)
        #expect(SendSchedule.closedLoop.decide(now: now) == .sendNow(intendedTime: now))
    }
}
