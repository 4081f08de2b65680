import XCTest

final class RondoCoreTestsPlaceholder: XCTestCase {}
