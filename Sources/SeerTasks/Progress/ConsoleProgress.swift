// Training progress on the console. On a terminal (stdout and stderr both TTYs) a bar redrawn in
// place: epoch, step, loss, validation loss, it/s, ETA. Otherwise — piped, logged, in CI — one
// plain line per epoch, so logs stay readable. Everything goes to stderr, keeping stdout free
// for results. `.quiet` prints nothing.
import SeerBase
import SeerModels
#if canImport(Glibc)
import Glibc
#endif

public final class ConsoleProgress: TrainingObserver {
    public enum Style: Sendable { case automatic, bar, lines, quiet }
    public let style: Style
    private var epochs = 0, stepsPerEpoch = 0
    private var epochBegan = 0.0, lastDraw = 0.0, runningLoss: Float = 0
    private var lastValidation: Float?
    private let output: (String) -> Void

    public init(_ style: Style = .automatic, output: ((String) -> Void)? = nil) {
        if style == .automatic {
            self.style = isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1 ? .bar : .lines
        } else {
            self.style = style
        }
        self.output = output ?? { text in
            var bytes = Array(text.utf8)
            _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
    }

    public func trainingBegan(epochs: Int, stepsPerEpoch: Int) {
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        epochBegan = monotonicSeconds()
    }

    public func stepFinished(epoch: Int, step: Int, loss: Float) {
        runningLoss = step == 1 ? loss : runningLoss * 0.9 + loss * 0.1
        if step == 1 { epochBegan = monotonicSeconds() }
        guard style == .bar else { return }
        let now = monotonicSeconds()
        guard now - lastDraw >= 0.1 || step == stepsPerEpoch else { return }
        lastDraw = now
        let rate = Double(step) / max(1e-9, now - epochBegan)
        let remaining = Double(stepsPerEpoch - step + (epochs - epoch) * stepsPerEpoch) / max(1e-9, rate)
        let filled = step * 20 / max(1, stepsPerEpoch)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled)
        let validation = lastValidation.map { " val \(Self.format($0))" } ?? ""
        output("\r\u{1B}[2Kepoch \(epoch)/\(epochs) [\(bar)] \(step)/\(stepsPerEpoch) loss \(Self.format(runningLoss))\(validation) "
               + "\(Self.fixed(rate, 1)) it/s ETA \(Self.clock(remaining))")
    }

    public func epochFinished(_ record: EpochRecord, improved: Bool) {
        lastValidation = record.validationLoss
        guard style != .quiet else { return }
        let validation = record.validationLoss.map { "  val \(Self.format($0))" } ?? ""
        let rate = Double(record.steps) / max(1e-9, record.seconds)
        let line = "epoch \(record.epoch)/\(epochs)  loss \(Self.format(record.trainLoss))\(validation)  "
            + "\(Self.fixed(record.seconds, 1)) s  \(Self.fixed(rate, 1)) it/s\(improved ? "  *" : "")\n"
        output(style == .bar ? "\r\u{1B}[2K" + line : line)
    }

    public func trainingFinished(_ report: TrainingReport) {
        guard style != .quiet else { return }
        let why = report.stopReason == .earlyStopped ? "stopped early; " : ""
        output("\(why)kept epoch \(report.bestEpoch) (loss \(Self.format(report.bestLoss))), \(report.steps) steps in \(Self.fixed(report.seconds, 1)) s\n")
    }

    static func format(_ value: Float) -> String {
        guard value.isFinite else { return "\(value)" }
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e5) {
            var exponent = 0, mantissa = Double(magnitude)
            while mantissa >= 10 { mantissa /= 10; exponent += 1 }
            while mantissa < 1 { mantissa *= 10; exponent -= 1 }
            return (value < 0 ? "-" : "") + fixed(mantissa, 3) + "e" + (exponent < 0 ? "-" : "+") + String(format2: abs(exponent))
        }
        return fixed(Double(value), 4)
    }

    /// `value` with `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return "\(value)" }
        let units = Int64(scaled), whole = units / Int64(scale), fraction = units % Int64(scale)
        var fractionText = digits > 0 ? String(fraction) : ""
        while fractionText.count < digits { fractionText = "0" + fractionText }
        return (value < 0 && units != 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + fractionText : "")
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600):\(String(format2: (s / 60) % 60)):\(String(format2: s % 60))" : "\(s / 60):\(String(format2: s % 60))"
    }
}

extension String {
    /// Two-digit zero-padded number.
    init(format2 value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
}
