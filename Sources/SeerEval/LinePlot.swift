// Forecast overlay plots as self-contained SVG: lines on shared axes with a light grid, tick
// labels and a legend — truth in blue, predictions in red by convention. NaN values break a line,
// so one series can hold several disjoint segments (e.g. each rolled-out window).
#if canImport(Glibc)
import Glibc
#endif

public struct LinePlot {
    public struct Series {
        public var name: String
        public var color: String
        public var x: [Double]
        public var y: [Double]
        public var width: Double

        public init(name: String, color: String, x: [Double], y: [Double], width: Double = 1.5) {
            precondition(x.count == y.count, "series \(name): \(x.count) x values, \(y.count) y values")
            self.name = name
            self.color = color
            self.x = x
            self.y = y
            self.width = width
        }
    }

    public static let truthColor = "#1f5fbf"
    public static let predictionColor = "#d62728"

    public var title: String
    public var series: [Series]
    public var width = 900.0
    public var height = 360.0

    public init(title: String, series: [Series]) {
        self.title = title
        self.series = series
    }

    /// The plot as an SVG document.
    public func svg() -> String {
        let left = 56.0, right = 16.0, top = 34.0, bottom = 36.0
        let finite = series.flatMap { s in zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite } }
        var (x0, x1) = (finite.map(\.0).min() ?? 0, finite.map(\.0).max() ?? 1)
        var (y0, y1) = (finite.map(\.1).min() ?? 0, finite.map(\.1).max() ?? 1)
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
        let pad = (y1 - y0) * 0.05
        y0 -= pad
        y1 += pad
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * plotH }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" "
            + "viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(Self.n(left))\" y=\"20\" font-size=\"13\">\(Self.escape(title))</text>\n"
        for tick in Self.ticks(y0, y1) {
            out += "<line x1=\"\(Self.n(left))\" x2=\"\(Self.n(width - right))\" y1=\"\(Self.n(py(tick)))\" y2=\"\(Self.n(py(tick)))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(Self.n(left - 6))\" y=\"\(Self.n(py(tick) + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        for tick in Self.ticks(x0, x1) {
            out += "<line x1=\"\(Self.n(px(tick)))\" x2=\"\(Self.n(px(tick)))\" y1=\"\(Self.n(top))\" y2=\"\(Self.n(height - bottom))\" stroke=\"#f0f0f0\"/>\n"
            out += "<text x=\"\(Self.n(px(tick)))\" y=\"\(Self.n(height - bottom + 16))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
        }
        out += "<rect x=\"\(Self.n(left))\" y=\"\(Self.n(top))\" width=\"\(Self.n(plotW))\" height=\"\(Self.n(plotH))\" fill=\"none\" stroke=\"#999\"/>\n"
        for s in series {
            var path = "", pen = false
            for (x, y) in zip(s.x, s.y) {
                guard x.isFinite && y.isFinite else { pen = false; continue }
                path += (pen ? "L" : "M") + Self.n(px(x)) + "," + Self.n(py(y)) + " "
                pen = true
            }
            out += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"\(Self.n(s.width))\"><title>\(Self.escape(s.name))</title></path>\n"
        }
        var legendX = width - right - 8
        for s in series.reversed() {
            let textWidth = Double(s.name.count) * 6.5
            legendX -= textWidth + 28
            out += "<line x1=\"\(Self.n(legendX))\" x2=\"\(Self.n(legendX + 18))\" y1=\"16\" y2=\"16\" stroke=\"\(s.color)\" stroke-width=\"2.5\"/>\n"
            out += "<text x=\"\(Self.n(legendX + 22))\" y=\"20\">\(Self.escape(s.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// About five round tick values covering [low, high].
    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        let raw = (high - low) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var out: [Double] = []
        var t = ceil(low / step) * step
        while t <= high + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    static func n(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    static func label(_ v: Double) -> String {
        let r = (v * 1000).rounded() / 1000
        return r == r.rounded() && abs(r) < 1e9 ? String(Int(r)) : String(r)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
