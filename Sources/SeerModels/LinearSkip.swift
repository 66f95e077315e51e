// Residual learning over a linear forecaster (the direct head's `linearSkip`): the skip — a
// linear map of the RevIN-normalised look-back to the horizon, as RLinear is — starts at its
// least-squares solution on the training windows, and the net's head starts at zero, so before
// the first step the model *is* that linear forecaster and training learns the net's correction
// to it. Measured on ETTh1: a randomly initialised skip trained jointly made the nets worse (the
// net's part overfits within a few epochs, long before the linear part has converged at the
// nets' learning rate).
//
// The solution minimises the loss the model trains on: with RevIN the output is ŷ·σ + μ, so the
// squared error in data space is σ²·(ŷ − ỹ)² with ỹ = (y − μ)/σ — weighted least squares with
// weights σ², solved as ridge regression (λ = `ridge` × the mean diagonal of XᵀX) by Cholesky
// in Double. (A z-scored look-back sums to zero, so XᵀX is singular along the all-ones weight
// direction: adding a constant to a row of weights changes no forecast; the ridge term keeps that
// component bounded.)
import SeerNN
import SeerTensor

extension SequenceModel {
    /// Sets the linear skip to the ridge least-squares solution on `train` and zeroes the head's
    /// weight, so the model forecasts as that linear model until it trains. Needs the direct head
    /// with `linearSkip`, RevIN without its affine map, and one feature per row.
    public func initializeSkipByLeastSquares(_ train: some BatchSource, ridge: Double = 1e-4, batch: Int = 256) {
        guard let skip, let revin, revin.gamma == nil, case .direct(let horizon) = config.head, config.rowFeatures == 1 else {
            preconditionFailure("least-squares initialisation needs the direct head with linearSkip, RevIN without affine, one feature per row")
        }
        let l = config.lookback, p = l + 1  // inputs plus a constant for the bias
        var gram = [Double](repeating: 0, count: p * p), cross = [Double](repeating: 0, count: p * horizon)
        var start = 0
        while start < train.count {
            let indices = Array(start..<min(train.count, start + batch))
            start += indices.count
            let (inputs, targets) = train.batch(indices)
            let x = rows(inputs), y = rows(targets)
            let stats = revin.statistics(x)
            let n = x.shape[0], xs = x.storage.pointer, ys = y.storage.pointer
            // Rows σ·[x̃, 1] and σ·ỹ = [x − μ, σ], y − μ.
            var a = [Float](repeating: 0, count: n * p), b = [Float](repeating: 0, count: n * horizon)
            for r in 0..<n {
                let mu = stats.mean[r], sigma = stats.std[r]
                for t in 0..<l { a[r * p + t] = xs[r * l + t] - mu }
                a[r * p + l] = sigma
                for t in 0..<horizon { b[r * horizon + t] = ys[r * horizon + t] - mu }
            }
            let at = Tensor(a, shape: [n, p]), bt = Tensor(b, shape: [n, horizon])
            let g = at.matmul(at, transposeSelf: true).array, c = at.matmul(bt, transposeSelf: true).array
            for i in gram.indices { gram[i] += Double(g[i]) }
            for i in cross.indices { cross[i] += Double(c[i]) }
        }
        let lambda = ridge * (0..<p).map { gram[$0 * p + $0] }.reduce(0, +) / Double(p)
        for i in 0..<p { gram[i * p + i] += lambda }
        let solution = Self.choleskySolve(gram, cross, size: p, columns: horizon)  // [p, H]
        // skip.weight is [H, L]; skip.bias [H].
        var weight = [Float](repeating: 0, count: horizon * l), bias = [Float](repeating: 0, count: horizon)
        for h in 0..<horizon {
            for t in 0..<l { weight[h * l + t] = Float(solution[t * horizon + h]) }
            bias[h] = Float(solution[l * horizon + h])
        }
        skip.weight.load(weight)
        skip.bias?.load(bias)
        head.weight.load([Float](repeating: 0, count: head.weight.count))
        head.bias?.load([Float](repeating: 0, count: head.bias?.count ?? 0))
    }

    /// Solves A X = B for symmetric positive definite A [n, n] and B [n, m] (row-major).
    static func choleskySolve(_ a: [Double], _ b: [Double], size n: Int, columns m: Int) -> [Double] {
        var lower = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= lower[i * n + k] * lower[j * n + k] }
                if i == j {
                    lower[i * n + i] = sum > 0 ? sum.squareRoot() : 1e-12
                } else {
                    lower[i * n + j] = sum / lower[j * n + j]
                }
            }
        }
        var x = b
        for col in 0..<m {
            for i in 0..<n {  // L z = b
                var sum = x[i * m + col]
                for k in 0..<i { sum -= lower[i * n + k] * x[k * m + col] }
                x[i * m + col] = sum / lower[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {  // Lᵀ x = z
                var sum = x[i * m + col]
                for k in (i + 1)..<n { sum -= lower[k * n + i] * x[k * m + col] }
                x[i * m + col] = sum / lower[i * n + i]
            }
        }
        return x
    }
}
