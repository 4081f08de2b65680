import XCTest

final class RondoIntegrationTestsPlaceholder: XCTestCase {}
