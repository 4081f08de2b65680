import XCTest

final class RondoProtocolTestsPlaceholder: XCTestCase {}
