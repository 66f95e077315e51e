// Exact training of DLinear and RLinear. Both are linear in their look-back window (RLinear once
// RevIN's per-window mean and deviation are fixed, which they are: they come from the input), and
// both train under MSE, so the training loss is a quadratic in the weights. Its minimum is a
// solution of normal equations, found in milliseconds, where gradient steps only approach it in a
// thousand optimiser steps (Toner & Darlow 2024, "An Analysis of Linear Time Series Forecasting
// Models", find the closed-form fits as good as or better than the trained ones).
//
// The loss solved is exactly the one the trainer minimises: the MSE of the forecasts in the data's
// units. For RLinear a window's forecast is σ·(W x̃ + b) + μ with x̃ = (x − μ)/σ, so its squared
// error is σ²‖W x̃ + b − ỹ‖² — a least-squares problem in the normalised window, weighted by σ².
// RevIN's affine pair is left at γ = 1, β = 0: with one linear map after it, it adds nothing the
// map cannot express. DLinear's two maps act on trend and remainder, which add up to the window,
// so setting both to the fitted map M gives M·x: the one map is the whole model.
//
// A ridge penalty keeps short or collinear data well posed. It pulls the map toward the forecast
// "the window's mean" — where DLinear's authors start it (every weight 1/L) and what RLinear's zero
// map means in normalised units — not toward zero, which for DLinear's raw values would be the
// forecast 0. α comes from a grid relative to the Gram matrix's mean diagonal, the one with the
// lowest loss on the windows given for choosing (the role early stopping plays for gradient
// training); one eigendecomposition (LAPACK dsyevd) serves every α. Sums are in Double.
import CBLAS
import Foundation
import SeerBase
import SeerTensor

/// How an exact fit went: the ridge chosen and the held-out loss it gave.
public struct LeastSquaresFit: Sendable, Equatable {
    /// α relative to the Gram matrix's mean diagonal.
    public var relativeRidge: Double
    /// MSE of the held-out windows (nil without any).
    public var validationLoss: Double?
    /// Rows fitted (windows × channels) and held-out rows scored.
    public var rows: Int, heldOutRows: Int
    public var seconds: Double
}

/// Why an exact fit could not be made.
public enum LeastSquaresError: Error, CustomStringConvertible {
    case noWindows
    case nonFinite
    case eigen(Int)

    public var description: String {
        switch self {
        case .noWindows: return "no training windows to fit the linear map on"
        case .nonFinite: return "the least-squares fit is not finite (values too large for the sums?)"
        case .eigen(let info): return "the eigendecomposition of the normal equations failed (LAPACK info \(info))"
        }
    }
}

extension LinearForecaster {
    /// Relative ridge values tried on held-out windows (smallest first, so ties keep the least bias).
    public static let relativeRidges: [Double] = (0..<10).map { pow(10, Double($0) - 7) }
    /// The relative ridge used when there are no held-out windows to choose one.
    public static let defaultRelativeRidge = 1e-3

    /// Rows of a sample set as (features, targets, weight) in the space the map works in: for
    /// RLinear the window and its targets normalised by the window's mean and deviation (weight σ²),
    /// for DLinear the raw window and the targets less the window's mean (weight 1). Channels are
    /// rows of their own, as in the forward pass.
    func leastSquaresRows(_ set: SampleSet) -> (x: [Double], y: [Double], weight: [Double]) {
        let (l, h, c) = (config.lookback, config.horizon, config.channels)
        let n = set.count * c
        var x = [Double](repeating: 0, count: n * l), y = [Double](repeating: 0, count: n * h)
        var weight = [Double](repeating: 1, count: n)
        // RevIN's own statistics of every window and channel, so the fit normalises exactly as the
        // forward pass does.
        let stats = revin?.statistics(Tensor(set.inputs, shape: [set.count, l, c]))
        set.inputs.withUnsafeBufferPointer { inputs in
            set.targets.withUnsafeBufferPointer { targets in
                for sample in 0..<set.count {
                    for channel in 0..<c {
                        let row = sample * c + channel
                        let mu = stats.map { Double($0.mean[row]) } ?? 0, sigma = stats.map { Double($0.std[row]) } ?? 1
                        weight[row] = sigma * sigma
                        for t in 0..<l { x[row * l + t] = (Double(inputs[(sample * l + t) * c + channel]) - mu) / sigma }
                        // DLinear's targets relative to the window's mean: the map fitted is the
                        // departure from the prior map (every weight 1/L), which the ridge shrinks.
                        var prior = 0.0
                        if revin == nil {
                            for t in 0..<l { prior += Double(inputs[(sample * l + t) * c + channel]) }
                            prior /= Double(l)
                        }
                        for t in 0..<h { y[row * h + t] = (Double(targets[(sample * h + t) * c + channel]) - mu) / sigma - prior }
                    }
                }
            }
        }
        return (x, y, weight)
    }

    /// Sets the weights to the exact minimiser of the training MSE on `train` plus a ridge: `ridge`
    /// (relative to the Gram matrix's mean diagonal) when given, else the one of `relativeRidges`
    /// best on `validation`, else `defaultRelativeRidge`.
    @discardableResult
    public func fitLeastSquares(train: SampleSet, validation: SampleSet?, ridge: Double? = nil) throws -> LeastSquaresFit {
        let began = monotonicSeconds()
        let (l, h) = (config.lookback, config.horizon)
        let rows = leastSquaresRows(train)
        let n = rows.weight.count
        guard n > 0 else { throw LeastSquaresError.noWindows }
        // Weighted means (the intercept is fitted by centring, so the ridge leaves it alone).
        let totalWeight = rows.weight.reduce(0, +)
        var xMean = [Double](repeating: 0, count: l), yMean = [Double](repeating: 0, count: h)
        for r in 0..<n {
            let w = rows.weight[r] / totalWeight
            for t in 0..<l { xMean[t] += w * rows.x[r * l + t] }
            for t in 0..<h { yMean[t] += w * rows.y[r * h + t] }
        }
        // Z = √w (x − x̄), T = √w (y − ȳ); G = ZᵀZ, C = ZᵀT.
        var z = [Double](repeating: 0, count: n * l), targets = [Double](repeating: 0, count: n * h)
        for r in 0..<n {
            let root = rows.weight[r].squareRoot()
            for t in 0..<l { z[r * l + t] = root * (rows.x[r * l + t] - xMean[t]) }
            for t in 0..<h { targets[r * h + t] = root * (rows.y[r * h + t] - yMean[t]) }
        }
        var gram = [Double](repeating: 0, count: l * l), cross = [Double](repeating: 0, count: l * h)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(l), Int32(l), Int32(n), 1, z, Int32(l), z, Int32(l), 0, &gram, Int32(l))
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(l), Int32(h), Int32(n), 1, z, Int32(l), targets, Int32(h), 0, &cross, Int32(h))
        guard gram.allSatisfy(\.isFinite), cross.allSatisfy(\.isFinite) else { throw LeastSquaresError.nonFinite }
        let meanDiagonal = (0..<l).map { gram[$0 * l + $0] }.reduce(0, +) / Double(l)
        let (values, vectors) = try Self.eigen(gram, n: l)
        // Directions with (numerically) no spread in the data get no weight: with one window, or
        // windows that do not vary, the fit is the targets' mean.
        let top = values.max() ?? 0
        // P = Vᵀ C: row k is eigenvector k (contiguous) dotted with C's columns.
        var projected = [Double](repeating: 0, count: l * h)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(l), Int32(h), Int32(l), 1, vectors, Int32(l), cross, Int32(h), 0, &projected, Int32(h))

        /// The map [L × H] (row-major, input-major) and bias for a relative ridge.
        func solve(_ relative: Double) -> (map: [Double], bias: [Double]) {
            let alpha = relative * meanDiagonal
            var scaled = projected
            for k in 0..<l {
                let inverse = top > 0 && max(values[k], 0) + alpha > 1e-12 * top ? 1 / (max(values[k], 0) + alpha) : 0
                for j in 0..<h { scaled[k * h + j] *= inverse }
            }
            var map = [Double](repeating: 0, count: l * h)
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(l), Int32(h), Int32(l), 1, vectors, Int32(l), scaled, Int32(h), 0, &map, Int32(h))
            var bias = yMean
            for t in 0..<l where xMean[t] != 0 { for j in 0..<h { bias[j] -= xMean[t] * map[t * h + j] } }
            return (map, bias)
        }

        var chosen = ridge ?? Self.defaultRelativeRidge, validationLoss: Double?
        var heldOutRows = 0
        if let validation, validation.count > 0 {
            let held = leastSquaresRows(validation)
            heldOutRows = held.weight.count
            for relative in ridge.map({ [$0] }) ?? Self.relativeRidges {
                let (map, bias) = solve(relative)
                var predictions = [Double](repeating: 0, count: heldOutRows * h)
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(heldOutRows), Int32(h), Int32(l), 1, held.x, Int32(l), map, Int32(h), 0,
                            &predictions, Int32(h))
                var loss = 0.0
                for r in 0..<heldOutRows {
                    for j in 0..<h { let e = predictions[r * h + j] + bias[j] - held.y[r * h + j]; loss += held.weight[r] * e * e }
                }
                loss /= Double(heldOutRows * h)
                if loss.isFinite, validationLoss.map({ loss < $0 }) ?? true { validationLoss = loss; chosen = relative }
            }
        }
        let (map, bias) = solve(chosen)
        guard map.allSatisfy(\.isFinite), bias.allSatisfy(\.isFinite) else { throw LeastSquaresError.nonFinite }
        // Linear weights are [outputs, inputs]: transpose the input-major map (DLinear's with its
        // prior map added back).
        let prior = revin == nil ? 1 / Double(l) : 0
        var weights = [Float](repeating: 0, count: h * l)
        for t in 0..<l { for j in 0..<h { weights[j * l + t] = Float(map[t * h + j] + prior) } }
        let floatBias = bias.map { Float($0) }
        seasonal.weight.load(weights)
        seasonal.bias?.load(floatBias)
        if let trend {
            trend.weight.load(weights)
            trend.bias?.load([Float](repeating: 0, count: h))
        }
        if let revin, let gamma = revin.gamma, let beta = revin.beta {
            gamma.load([Float](repeating: 1, count: gamma.count))
            beta.load([Float](repeating: 0, count: beta.count))
        }
        return LeastSquaresFit(relativeRidge: chosen, validationLoss: validationLoss, rows: n, heldOutRows: heldOutRows, seconds: monotonicSeconds() - began)
    }

    /// Eigenvalues and eigenvectors (vector k at [k·n ..< (k+1)·n]) of a symmetric n × n matrix.
    static func eigen(_ matrix: [Double], n: Int) throws -> (values: [Double], vectors: [Double]) {
        do { return try RidgeClassifier.eigen(matrix, n: n) } catch RidgeError.eigen(let info) { throw LeastSquaresError.eigen(info) }
    }
}
