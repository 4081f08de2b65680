import RondoCore
import XCTest

final class SemanticVersionTests: XCTestCase {
    func testParsingAndOrdering() {
        XCTAssertEqual(SemanticVersion("1.2.3"), SemanticVersion(major: 1, minor: 2, patch: 3))
        XCTAssertNil(SemanticVersion("1.2"))
        XCTAssertNil(SemanticVersion("1.2.x"))
        XCTAssertNil(SemanticVersion("-1.2.3"))
        XCTAssertLessThan(SemanticVersion("0.9.9")!, SemanticVersion("0.10.0")!)
        XCTAssertLessThan(SemanticVersion("1.0.0")!, SemanticVersion("1.0.1")!)
        XCTAssertEqual(RondoVersion.current.description, "\(RondoVersion.current.major).\(RondoVersion.current.minor).\(RondoVersion.current.patch)")
    }

    func testManualClockMovesOnlyWhenTold() {
        let clock = ManualClock(startingAt: 100)
        XCTAssertEqual(clock.nowSeconds(), 100)
        clock.advance(bySeconds: 5)
        XCTAssertEqual(clock.nowSeconds(), 105)
        clock.set(seconds: 7)
        XCTAssertEqual(clock.nowSeconds(), 7)
    }
}
