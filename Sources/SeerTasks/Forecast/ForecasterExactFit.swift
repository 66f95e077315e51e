// The exact (least-squares) fit of a linear forecaster inside `Forecaster.fit`. Its ridge is
// chosen on an inner split of the training windows — each sequence's training windows cut again,
// the last `validationFraction` of them scoring each ridge — and the model is then fitted on all
// training windows with it. The held-out windows play no part in the fit, so the held-out error
// `auto` compares candidates by is as honest for the linear models as for the others (choosing
// the ridge on them made the linear models look better than they forecast).
import SeerModels

extension Forecaster {
    func fitExactly(_ linear: LinearForecaster, _ sequences: [[Float]], validationFraction: Double, train: SampleSet,
                    validation: SampleSet?) throws -> LeastSquaresFit {
        let (l, h) = (config.windowLength, config.horizon)
        // Dropping a sequence's held-out windows' last steps leaves exactly its training windows.
        let inner = sequences.map { s -> [Float] in
            let count = s.count - l - h + 1
            return count > 0 ? Array(s.dropLast(Self.heldOut(windows: count, fraction: validationFraction))) : s
        }
        var ridge = LinearForecaster.defaultRelativeRidge
        if let (innerTrain, innerHeld) = try? windows(inner, validationFraction: validationFraction), let innerHeld, innerTrain.count > 0 {
            ridge = try linear.fitLeastSquares(train: innerTrain, validation: innerHeld).relativeRidge
        }
        return try linear.fitLeastSquares(train: train, validation: validation, ridge: ridge)
    }
}
