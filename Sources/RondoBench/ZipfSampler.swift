import RondoCore
import Foundation

/// Draws ranks 1...count with P(k) ∝ 1/k^exponent in O(1) time and memory, by rejection-inversion
/// (Hörmann & Derflinger 1996, as in Apache Commons' `RejectionInversionZipfSampler`). A CDF table
/// would cost 8 bytes per key; with up to a billion keys that is not an option.
public struct ZipfSampler: Sendable {
    public let count: Int
    public let exponent: Double
    private let hIntegralX1: Double
    private let hIntegralCount: Double
    private let acceptanceShortcut: Double

    public init(count: Int, exponent: Double) {
        precondition(count >= 1 && exponent > 0, "zipf needs at least one key and a positive exponent")
        self.count = count
        self.exponent = exponent
        hIntegralX1 = Self.hIntegral(1.5, exponent) - 1
        hIntegralCount = Self.hIntegral(Double(count) + 0.5, exponent)
        acceptanceShortcut = 2 - Self.hIntegralInverse(Self.hIntegral(2.5, exponent) - Self.h(2, exponent), exponent)
    }

    /// A rank in 1...count; rank 1 is the hottest.
    public func sample(using generator: inout SplitMix64) -> Int {
        while true {
            let u = hIntegralCount + generator.nextUnitInterval() * (hIntegralX1 - hIntegralCount)
            let x = Self.hIntegralInverse(u, exponent)
            let rank = min(max(Int(x + 0.5), 1), count)
            let k = Double(rank)
            if k - x <= acceptanceShortcut || u >= Self.hIntegral(k + 0.5, exponent) - Self.h(k, exponent) {
                return rank
            }
        }
    }

    private static func h(_ x: Double, _ exponent: Double) -> Double {
        exp(-exponent * log(x))
    }

    private static func hIntegral(_ x: Double, _ exponent: Double) -> Double {
        let logX = log(x)
        return expm1OverX((1 - exponent) * logX) * logX
    }

    private static func hIntegralInverse(_ x: Double, _ exponent: Double) -> Double {
        // Clamped at -1: rounding can push it just past, where log1p is undefined.
        let t = max(x * (1 - exponent), -1)
        return exp(log1pOverX(t) * x)
    }

    /// log1p(x)/x, with its Taylor series near zero where the quotient loses precision (exponent ≈ 1).
    private static func log1pOverX(_ x: Double) -> Double {
        abs(x) > 1e-8 ? log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x))
    }

    /// expm1(x)/x, likewise.
    private static func expm1OverX(_ x: Double) -> Double {
        abs(x) > 1e-8 ? expm1(x) / x : 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x))
    }
}
