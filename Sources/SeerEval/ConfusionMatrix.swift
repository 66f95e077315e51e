// A confusion matrix over named classes — rows the true class, columns the predicted one — with
// what people read off it: per-class precision, recall, F1 and support, accuracy, macro and
// weighted F1; as an aligned text table, CSV, and an SVG heatmap whose diagonal stands out.
// Detection uses it with two classes (normal, anomaly); classification with any number.
import Foundation

public struct ConfusionMatrix: Sendable, Equatable, Codable {
    public var classes: [String]
    /// counts[t][p]: cases of true class t predicted as p.
    public var counts: [[Int]]

    public init(classes: [String]) {
        self.classes = classes
        counts = Array(repeating: Array(repeating: 0, count: classes.count), count: classes.count)
    }

    public init(classes: [String], counts: [[Int]]) {
        precondition(counts.count == classes.count && counts.allSatisfy { $0.count == classes.count }, "a square matrix, one row per class")
        self.classes = classes
        self.counts = counts
    }

    public mutating func add(truth: Int, predicted: Int, count: Int = 1) { counts[truth][predicted] += count }

    public var total: Int { counts.joined().reduce(0, +) }
    public func support(_ c: Int) -> Int { counts[c].reduce(0, +) }
    public func predictedCount(_ c: Int) -> Int { counts.reduce(0) { $0 + $1[c] } }

    /// Nil where nothing was predicted as `c` (undefined, not 0).
    public func precision(_ c: Int) -> Double? { predictedCount(c) > 0 ? Double(counts[c][c]) / Double(predictedCount(c)) : nil }
    /// Nil where no case is of class `c`.
    public func recall(_ c: Int) -> Double? { support(c) > 0 ? Double(counts[c][c]) / Double(support(c)) : nil }
    public func f1(_ c: Int) -> Double? {
        guard let p = precision(c), let r = recall(c) else { return support(c) > 0 ? 0 : nil }
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }
    public var accuracy: Double? { total > 0 ? Double(classes.indices.reduce(0) { $0 + counts[$1][$1] }) / Double(total) : nil }
    /// The mean F1 of the classes that occur.
    public var macroF1: Double? {
        let present = classes.indices.compactMap { support($0) > 0 ? f1($0) : nil }
        return present.isEmpty ? nil : present.reduce(0, +) / Double(present.count)
    }
    /// F1 weighted by support.
    public var weightedF1: Double? {
        let n = classes.indices.reduce(0) { $0 + support($1) }
        guard n > 0 else { return nil }
        return classes.indices.reduce(0.0) { $0 + Double(support($1)) * (f1($1) ?? 0) } / Double(n)
    }

    /// A score to three decimals, or "–" where it is undefined.
    public static func format(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }

    /// The matrix, then one row of scores per class and the summary lines.
    public var text: String {
        var matrix = TextTable(["true \\ predicted"] + classes + ["support"])
        for (t, name) in classes.enumerated() { matrix.add([name] + counts[t].map(String.init) + [String(support(t))]) }
        var scores = TextTable(["class", "precision", "recall", "F1", "support"])
        for (c, name) in classes.enumerated() { scores.add([name, Self.format(precision(c)), Self.format(recall(c)), Self.format(f1(c)), String(support(c))]) }
        return matrix.render() + "\n" + scores.render() + "\naccuracy \(Self.format(accuracy)), macro F1 \(Self.format(macroF1)), weighted F1 \(Self.format(weightedF1)), \(total) cases\n"
    }

    /// `true,predicted,count` rows, then per-class scores.
    public var csv: String {
        var out = "true,predicted,count\n"
        for (t, a) in classes.enumerated() { for (p, b) in classes.enumerated() { out += "\(Self.csvField(a)),\(Self.csvField(b)),\(counts[t][p])\n" } }
        return out
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// A heatmap: cells shaded by their share of the true class's row (so the diagonal of a good
    /// classifier is dark whatever the class sizes), counts written in them, class names on the axes.
    public func heatmapSVG(title: String) -> String {
        let cell = max(36.0, min(72.0, 480.0 / Double(max(1, classes.count))))
        let labelWidth = min(160.0, 12 + 7 * Double(classes.map(\.count).max() ?? 4))
        let left = labelWidth + 24, top = 56.0 + labelWidth * 0.5
        let width = max(left + cell * Double(classes.count) + 20, 16 + 7 * Double(title.count)), height = top + cell * Double(classes.count) + 40
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(LinePlot.n(width))\" height=\"\(LinePlot.n(height))\" "
            + "viewBox=\"0 0 \(LinePlot.n(width)) \(LinePlot.n(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"8\" y=\"20\" font-size=\"13\">\(LinePlot.escape(title))</text>\n"
        out += "<text x=\"\(LinePlot.n(left + cell * Double(classes.count) / 2))\" y=\"38\" text-anchor=\"middle\" fill=\"#555\">predicted</text>\n"
        out += "<text x=\"8\" y=\"\(LinePlot.n(top - 8))\" fill=\"#555\">true</text>\n"
        for (c, name) in classes.enumerated() {
            let x = left + cell * (Double(c) + 0.5)
            out += "<text x=\"\(LinePlot.n(x))\" y=\"\(LinePlot.n(top - 8))\" text-anchor=\"start\" transform=\"rotate(-35 \(LinePlot.n(x)) \(LinePlot.n(top - 8)))\">\(LinePlot.escape(name))</text>\n"
            out += "<text x=\"\(LinePlot.n(left - 6))\" y=\"\(LinePlot.n(top + cell * (Double(c) + 0.5) + 4))\" text-anchor=\"end\">\(LinePlot.escape(name))</text>\n"
        }
        for t in classes.indices {
            let rowTotal = max(1, support(t))
            for p in classes.indices {
                let share = Double(counts[t][p]) / Double(rowTotal)
                // Blue on the diagonal, red off it; darker for a larger share of the row.
                let (r, g, b) = t == p ? (31.0, 95.0, 191.0) : (214.0, 39.0, 40.0)
                let mix = { (c: Double) in Int(255 - (255 - c) * share) }
                let x = left + cell * Double(p), y = top + cell * Double(t)
                out += "<rect x=\"\(LinePlot.n(x))\" y=\"\(LinePlot.n(y))\" width=\"\(LinePlot.n(cell))\" height=\"\(LinePlot.n(cell))\" "
                    + "fill=\"rgb(\(mix(r)),\(mix(g)),\(mix(b)))\" stroke=\"#ccc\"><title>\(LinePlot.escape(classes[t])) → \(LinePlot.escape(classes[p])): \(counts[t][p])</title></rect>\n"
                out += "<text x=\"\(LinePlot.n(x + cell / 2))\" y=\"\(LinePlot.n(y + cell / 2 + 4))\" text-anchor=\"middle\" fill=\"\(share > 0.55 ? "white" : "#222")\">\(counts[t][p])</text>\n"
            }
        }
        return out + "</svg>\n"
    }
}
