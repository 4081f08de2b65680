import XCTest

final class RondoCompressionTestsPlaceholder: XCTestCase {}
