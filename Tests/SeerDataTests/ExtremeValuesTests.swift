// Values no model can be fitted with are found by their distance from the median in robust units,
// and ordinary series — growth over six orders of magnitude, intermittent demand, a constant with
// a small step — are left alone.
import Foundation
@testable import SeerData
import Testing

struct ExtremeValuesTests {
    static let hourly: [Float] = (0..<600).map { k in 50 + 10 * sinf(2 * .pi * Float(k) / 24) + Float(k % 7) * 0.3 }

    @Test(arguments: [Float(1e30), -1e30, 3e38, 1e12])
    func aGlitchInAnOrdinarySeriesIsFound(glitch: Float) throws {
        var values = Self.hourly
        values[300] = glitch
        let found = try #require(ExtremeValues.first(in: values))
        #expect(found.index == 300 && found.value == Double(glitch) && found.units > ExtremeValues.limit)
        #expect(abs(found.median - 50) < 5)
        #expect(found.summary.contains("robust deviations from the series' median"))
    }

    @Test func ordinarySeriesPass() {
        #expect(ExtremeValues.first(in: Self.hourly) == nil)
        // Exponential growth from 1 to 1e6.
        #expect(ExtremeValues.first(in: (0..<600).map { powf(10, Float($0) / 100) }) == nil)
        // Intermittent: mostly zeros, bursts of a few units (the median and its deviation are 0).
        #expect(ExtremeValues.first(in: (0..<600).map { $0 % 9 == 0 ? Float($0 % 5 + 1) : 0 }) == nil)
        // A constant with one small step, and missing values.
        var flat = [Float](repeating: 5, count: 600)
        flat[100] = 7
        flat[200] = .nan
        #expect(ExtremeValues.first(in: flat) == nil)
        // Too few values to judge, and nothing but zeros.
        #expect(ExtremeValues.first(in: [1, 1e30]) == nil)
        #expect(ExtremeValues.first(in: [Float](repeating: 0, count: 10)) == nil)
    }

    @Test func aGlitchInAConstantOrIntermittentSeriesIsFound() throws {
        var flat = [Float](repeating: 5, count: 600)
        flat[42] = 1e30
        #expect(try #require(ExtremeValues.first(in: flat)).index == 42)
        var sparse: [Float] = (0..<600).map { $0 % 9 == 0 ? 3 : 0 }
        sparse[500] = 1e15
        #expect(try #require(ExtremeValues.first(in: sparse)).index == 500)
    }
}
