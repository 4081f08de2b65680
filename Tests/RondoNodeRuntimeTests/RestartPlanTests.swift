import RondoCore
import RondoPeer
import XCTest

@testable import RondoNodeRuntime

final class RestartPlanTests: XCTestCase {
    private let me = NodeID("n1")!

    func testDecisionRefusesAnOrderForAnotherNode() {
        let order = RestartNode(node: NodeID("n2")!, binaryPath: "/opt/rondo", mode: .inPlace, timeoutMilliseconds: 1_000)
        guard case .refuse(let reason) = RestartDecision.decide(order, localNode: me) else {
            return XCTFail("an order for n2 must be refused by n1")
        }
        XCTAssertTrue(reason.contains("n2") && reason.contains("n1"), reason)
    }

    func testDecisionFollowsTheMode() {
        let inPlace = RestartNode(node: me, binaryPath: "/opt/rondo-0.2.0", mode: .inPlace, timeoutMilliseconds: 1_000)
        XCTAssertEqual(RestartDecision.decide(inPlace, localNode: me), .reexecute(binaryPath: "/opt/rondo-0.2.0"))
        let own = RestartNode(node: me, binaryPath: nil, mode: .inPlace, timeoutMilliseconds: 1_000)
        XCTAssertEqual(RestartDecision.decide(own, localNode: me), .reexecute(binaryPath: nil))
        let external = RestartNode(node: me, binaryPath: "/opt/rondo-0.2.0", mode: .external, timeoutMilliseconds: 1_000)
        XCTAssertEqual(RestartDecision.decide(external, localNode: me), .awaitExternalRestart)
    }

    func testPlanKeepsTheArgumentsAndAppendsTheInheritedDescriptor() {
        let argv = ["/usr/bin/rondo", "node", "--port", "11211", "--node-id", "n1", "--coordinator", "127.0.0.1:7100"]
        let plan = RestartPlan(binaryPath: "/opt/rondo-0.2.0", arguments: argv, listenDescriptor: 9)
        XCTAssertEqual(plan.executable, "/opt/rondo-0.2.0")
        XCTAssertEqual(plan.listenDescriptor, 9)
        XCTAssertEqual(plan.arguments, ["/opt/rondo-0.2.0"] + argv.dropFirst() + ["--inherit-listen-fd", "9"])
    }

    func testPlanWithoutABinaryRunsThisOne() {
        let plan = RestartPlan(binaryPath: nil, arguments: ["rondo", "node"], listenDescriptor: 5)
        XCTAssertEqual(plan.executable, "/proc/self/exe")
        XCTAssertEqual(plan.arguments, ["/proc/self/exe", "node", "--inherit-listen-fd", "5"])
    }

    func testPlanReplacesTheDescriptorOfAnEarlierRestartInBothSpellings() {
        let separate = RestartPlan(
            binaryPath: "/b", arguments: ["rondo", "node", "--inherit-listen-fd", "7", "--port", "1"], listenDescriptor: 8)
        XCTAssertEqual(separate.arguments, ["/b", "node", "--port", "1", "--inherit-listen-fd", "8"])
        let joined = RestartPlan(binaryPath: "/b", arguments: ["rondo", "node", "--inherit-listen-fd=7", "--port", "1"], listenDescriptor: 8)
        XCTAssertEqual(joined.arguments, ["/b", "node", "--port", "1", "--inherit-listen-fd", "8"])
    }

    func testPlanPutsTheOptionBeforeATerminator() {
        let plan = RestartPlan(binaryPath: "/b", arguments: ["rondo", "node", "--port", "1", "--", "--inherit-listen-fd"], listenDescriptor: 4)
        XCTAssertEqual(plan.arguments, ["/b", "node", "--port", "1", "--inherit-listen-fd", "4", "--", "--inherit-listen-fd"])
    }

    func testClientErrorRateIsPerMillionOverTheLastWindow() {
        var rate = ClientErrorRate()
        XCTAssertEqual(rate.sample(requests: 0, errors: 0), 0, "no request: nothing failed")
        XCTAssertEqual(rate.sample(requests: 1_000, errors: 1), 1_000)
        XCTAssertEqual(rate.sample(requests: 3_000, errors: 1), 0, "only the window since the last sample counts")
        XCTAssertEqual(rate.sample(requests: 3_004, errors: 3), 500_000)
        XCTAssertEqual(rate.sample(requests: 3_005, errors: 9), 1_000_000, "never above one error per request")
        XCTAssertEqual(rate.sample(requests: 3_005, errors: 9), 0)
    }
}
