// CVectorMath carries a baseline, an AVX2+FMA and an AVX-512 build of each transcendental
// kernel and picks one at run time; the gradient checks exercise only the one this machine
// picks. Here every level the CPU can run is checked against Double references.
import CVectorMath
import Foundation
import Testing

@Suite(.serialized)
struct VectorMathLevelTests {
    static let inputs: [Float] = (0..<1000).map { Float($0) / 1000 * 16 - 8 } + [-100, -30, 0, 1e-6, 30, 100]

    func check(_ name: String, _ level: Int, _ got: [Float], _ expected: [Double], tolerance: Double) {
        for i in got.indices {
            let error = abs(Double(got[i]) - expected[i])
            #expect(error <= tolerance * (1 + abs(expected[i])), "\(name) at level \(level), x = \(Self.inputs[i]): \(got[i]) vs \(expected[i])")
        }
    }

    @Test func everySupportedLevelMatchesTheReferences() {
        defer { seer_vector_math_set_level(-1) }
        let x = Self.inputs, n = x.count
        for level in 0...Int(seer_vector_math_supported_level()) {
            seer_vector_math_set_level(Int32(level))
            #expect(seer_vector_math_level() == Int32(level))
            var y = [Float](repeating: 0, count: n)
            seer_gelu_forward(x, &y, n)
            check("gelu", level, y, x.map { 0.5 * Double($0) * (1 + erf(Double($0) / 2.0.squareRoot())) }, tolerance: 1e-6)
            seer_silu_forward(x, &y, n)
            check("silu", level, y, x.map { Double($0) / (1 + Foundation.exp(-Double($0))) }, tolerance: 1e-6)
            seer_sigmoid_forward(x, &y, n)
            check("sigmoid", level, y, x.map { 1 / (1 + Foundation.exp(-Double($0))) }, tolerance: 1e-6)
            seer_tanh_forward(x, &y, n)
            check("tanh", level, y, x.map { Foundation.tanh(Double($0)) }, tolerance: 1e-6)
            var slope = [Float](repeating: 0, count: n)
            seer_softplus_slope(x, &y, &slope, n, 0.25)
            let softplus = x.map { v in max(Double(v), 0) + Foundation.log1p(Foundation.exp(-abs(Double(v)))) }
            check("softplus", level, y, softplus.map { 0.25 + $0 }, tolerance: 1e-6)
            check("softplus slope", level, slope, x.map { 1 / (1 + Foundation.exp(-Double($0))) }, tolerance: 1e-6)
            seer_softplus_slope(x, &y, &slope, n, 0)
            for i in x.indices where x[i] < 0 && x[i] > -80 {  // tiny values keep their relative precision
                let sigma = 1 / (1 + Foundation.exp(-Double(x[i])))
                #expect(abs(Double(y[i]) / softplus[i] - 1) < 1e-6, "softplus(\(x[i])) at level \(level): \(y[i]) vs \(softplus[i])")
                #expect(abs(Double(slope[i]) / sigma - 1) < 1e-6, "σ(\(x[i])) at level \(level): \(slope[i]) vs \(sigma)")
            }
            var gx = [Float](repeating: 0.5, count: n)
            let g = [Float](repeating: 2, count: n)
            seer_gelu_backward(x, g, &gx, n)
            check("gelu backward", level, gx, x.map { v in
                let d = Double(v)
                return 0.5 + 2 * (0.5 * (1 + erf(d / 2.0.squareRoot())) + d * Foundation.exp(-d * d / 2) / (2 * Double.pi).squareRoot())
            }, tolerance: 2e-6)
            gx = [Float](repeating: 0.5, count: n)
            seer_silu_backward(x, g, &gx, n)
            check("silu backward", level, gx, x.map { v in
                let s = 1 / (1 + Foundation.exp(-Double(v)))
                return 0.5 + 2 * s * (1 + Double(v) * (1 - s))
            }, tolerance: 2e-6)
            for length in [1, 15, 16, 17, 200] {  // masked tails of the hand-written AVX-512 rows
                let row = Array(x[400..<(400 + length)])
                var soft = [Float](repeating: -1, count: length + 1)
                seer_softmax_row(row, &soft, length)
                #expect(soft[length] == -1, "softmax wrote past its row at length \(length)")
                let m = Double(row.max()!)
                let total = row.reduce(0.0) { $0 + Foundation.exp(Double($1) - m) }
                check("softmax", level, Array(soft[0..<length]), row.map { Foundation.exp(Double($0) - m) / total }, tolerance: 1e-6)
            }
            // Large logits: the row's shift is rounded once, a common factor normalisation cancels.
            for offset: Float in [85, -85, 1000] {
                let shifted = Array(x[300..<700]).map { $0 + offset }
                var soft = [Float](repeating: 0, count: shifted.count)
                seer_softmax_row(shifted, &soft, shifted.count)
                let m = Double(shifted.max()!)
                let total = shifted.reduce(0.0) { $0 + Foundation.exp(Double($1) - m) }
                check("softmax +\(offset)", level, soft, shifted.map { Foundation.exp(Double($0) - m) / total }, tolerance: 1e-6)
            }
            let row = Array(x[400..<600])
            var soft = [Float](repeating: 0, count: row.count)
            seer_softmax_row(row, &soft, row.count)
            let m = Double(row.max()!)
            let total = row.reduce(0.0) { $0 + Foundation.exp(Double($1) - m) }
            check("softmax", level, soft, row.map { Foundation.exp(Double($0) - m) / total }, tolerance: 1e-6)
        }
    }
}
