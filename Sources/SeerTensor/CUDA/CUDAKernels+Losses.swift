// Typed launches of the loss kernels: cross-entropy (rows.cu; class indices uploaded per call) and
// the regression losses (elementwise.cu). The scalar losses come back to the host: cross-entropy
// as per-row double terms added here in row order, as the CPU adds them; regression losses as
// one double sum.

extension CUDAKernels {
    /// Σ_r w[y_r]·nll_r / Σ_r w[y_r]; probabilities ← softmax(logits). weights 0: every class weighs 1.
    public func crossEntropyForward(_ logits: DevicePointer, targets: [Int32], weights: DevicePointer, probabilities: DevicePointer,
                                    rows: Int, classes: Int) throws -> Float {
        let deviceTargets = try device.copyToDevice(targets)
        defer { device.free(deviceTargets) }
        let perRow = try device.allocate(bytes: max(1, rows) * 16)
        defer { device.free(perRow) }
        try device.launch("seer_cross_entropy_forward", grid: Self.rowBlocks(rows), [
            .pointer(logits), .pointer(deviceTargets), .pointer(weights), .pointer(probabilities), .pointer(perRow), .long(rows), .long(classes),
        ])
        let terms = try device.copyFromDevice(perRow, count: 2 * rows, as: Double.self)
        var total = 0.0, weightSum = 0.0
        for r in 0..<rows {
            total += terms[2 * r]
            weightSum += terms[2 * r + 1]
        }
        return Float(total / weightSum)
    }

    /// gradLogits[r] += gradLoss·w[y_r]·(p_r − onehot(y_r)) / Σ w[y].
    public func crossEntropyBackward(probabilities: DevicePointer, targets: [Int32], weights: DevicePointer, gradLoss: Float,
                                     gradLogits: DevicePointer, rows: Int, classes: Int) throws {
        var weightSum = Double(rows)
        if weights != 0 {
            let classWeights = try device.copyFromDevice(weights, count: classes, as: Float.self)
            weightSum = targets.reduce(0.0) { $0 + Double(classWeights[Int($1)]) }
        }
        let deviceTargets = try device.copyToDevice(targets)
        defer { device.free(deviceTargets) }
        try device.launch("seer_cross_entropy_backward", grid: KernelGrid.blocks(for: rows * classes), [
            .pointer(probabilities), .pointer(deviceTargets), .pointer(weights), .float(gradLoss / Float(weightSum)), .pointer(gradLogits),
            .long(rows), .long(classes),
        ])
    }

    public func regressionLossForward(_ loss: RegressionLoss, _ prediction: DevicePointer, _ target: DevicePointer, count: Int) throws -> Float {
        let sum = try device.allocate(bytes: 8)
        defer { device.free(sum) }
        try device.fill(sum, pattern: 0, count: 2)
        try device.launch("seer_regression_loss_forward", grid: KernelGrid.blocks(for: count), [
            .int(loss.kernelCode), .float(loss.kernelDelta), .pointer(prediction), .pointer(target), .long(count), .pointer(sum),
        ])
        var total = 0.0
        try device.download(sum, to: &total, bytes: 8)
        return Float(total / Double(max(1, count)))
    }

    /// gradPrediction and gradTarget are 0 when not wanted.
    public func regressionLossBackward(_ loss: RegressionLoss, _ prediction: DevicePointer, _ target: DevicePointer, gradLoss: Float,
                                       gradPrediction: DevicePointer, gradTarget: DevicePointer, count: Int) throws {
        guard gradPrediction != 0 || gradTarget != 0 else { return }
        try device.launch("seer_regression_loss_backward", grid: KernelGrid.blocks(for: count), [
            .int(loss.kernelCode), .float(loss.kernelDelta), .pointer(prediction), .pointer(target), .float(gradLoss / Float(max(1, count))),
            .pointer(gradPrediction), .pointer(gradTarget), .long(count),
        ])
    }
}

extension RegressionLoss {
    /// The loss's code in elementwise.cu, and Huber's delta (0 for the others).
    var kernelCode: Int32 {
        switch self {
        case .mse: return 0
        case .mae: return 1
        case .huber: return 2
        }
    }

    var kernelDelta: Float {
        if case .huber(let delta) = self { return delta }
        return 0
    }
}
