import XCTest

final class RondoServerTestsPlaceholder: XCTestCase {}
