import NIOCore
import Testing

@testable import RondoBench

@Suite struct InFlightWindowTests {
    private func request(_ kind: BenchOperation.Kind, key: Int = 0) -> InFlightRequest {
        let now = NIODeadline.uptimeNanoseconds(1_000)
        return InFlightRequest(operation: BenchOperation(kind: kind, keyIndex: key), intendedSendTime: now, sendTime: now)
    }

    @Test func matchesRepliesToRequestsInOrder() {
        var window = InFlightWindow(capacity: 4)
        window.append(request(.get, key: 1))
        window.append(request(.get, key: 2))
        window.append(request(.set, key: 3))
        let value = MemcachedResponse.value(key: ByteBuffer(string: "k1"), flags: 0, data: ByteBuffer(string: "v"))

        #expect(window.receive(value) == .pending)
        #expect(window.receive(.end) == .completed(request(.get, key: 1), .hit))
        #expect(window.receive(.end) == .completed(request(.get, key: 2), .miss))
        #expect(window.receive(.serverError("out of memory")) == .completed(request(.set, key: 3), .failed(.serverError)))
        #expect(window.isEmpty)
    }

    @Test func flagsRepliesThatFitNoRequest() {
        var window = InFlightWindow(capacity: 2)
        #expect(window.receive(.stored) == .unexpected, "nothing in flight")
        window.append(request(.get))
        #expect(window.receive(.stored) == .unexpected, "STORED does not answer a get")
        let value = MemcachedResponse.value(key: ByteBuffer(string: "k"), flags: 0, data: ByteBuffer())
        #expect(window.receive(value) == .pending)
        #expect(window.receive(value) == .unexpected, "single-key gets get one VALUE")
    }

    @Test func capacityBoundsTheWindow() {
        var window = InFlightWindow(capacity: 2)
        window.append(request(.set))
        #expect(window.hasRoom)
        window.append(request(.set))
        #expect(!window.hasRoom)
        #expect(window.removeAll().count == 2)
        #expect(window.isEmpty && window.hasRoom)
    }
}
