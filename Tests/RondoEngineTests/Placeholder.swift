import XCTest

final class RondoEngineTestsPlaceholder: XCTestCase {}
