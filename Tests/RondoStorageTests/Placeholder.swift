import XCTest

final class RondoStorageTestsPlaceholder: XCTestCase {}
