// Forecast overlay plots as self-contained SVG: lines on shared axes with a light grid, tick
// labels and a legend — history in grey, truth in blue, predictions in red by convention, and
// shaded interval bands behind them. NaN values break a line (or band), so one series can hold
// several disjoint segments (e.g. each backtest fold). X values may be epoch seconds, labelled
// as dates by `xLabel`; several plots stack into one SVG with `stacked`.
#if canImport(Glibc)
import Glibc
#endif
import SeerData

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

    /// A shaded region between `lower` and `upper` (prediction intervals).
    public struct Band {
        public var name: String
        public var color: String
        public var opacity: Double
        public var x: [Double]
        public var lower: [Double]
        public var upper: [Double]

        public init(name: String, color: String, opacity: Double = 0.18, x: [Double], lower: [Double], upper: [Double]) {
            precondition(x.count == lower.count && x.count == upper.count, "band \(name): x, lower and upper differ in length")
            self.name = name
            self.color = color
            self.opacity = opacity
            self.x = x
            self.lower = lower
            self.upper = upper
        }
    }

    public static let truthColor = "#1f5fbf"
    public static let predictionColor = "#d62728"
    public static let historyColor = "#8c8c8c"

    public var title: String
    public var series: [Series]
    public var bands: [Band] = []
    public var width = 900.0
    public var height = 360.0
    /// Tick label of an x value (default: the number); set to `LinePlot.dateLabel` for epoch
    /// seconds, which also puts the ticks on calendar boundaries.
    public var xLabel: ((Double) -> String)?

    public init(title: String, series: [Series]) {
        self.title = title
        self.series = series
    }

    /// The plot as an SVG document.
    public func svg() -> String {
        let left = 56.0, right = 16.0, top = 34.0, bottom = 36.0
        let finite = series.flatMap { s in zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite } }
            + bands.flatMap { b in zip(b.x, b.lower).filter { $0.0.isFinite && $0.1.isFinite } + zip(b.x, b.upper).filter { $0.0.isFinite && $0.1.isFinite } }
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
        for tick in (xLabel != nil ? Self.dateTicks(x0, x1) : Self.ticks(x0, x1)) {
            out += "<line x1=\"\(Self.n(px(tick)))\" x2=\"\(Self.n(px(tick)))\" y1=\"\(Self.n(top))\" y2=\"\(Self.n(height - bottom))\" stroke=\"#f0f0f0\"/>\n"
            out += "<text x=\"\(Self.n(px(tick)))\" y=\"\(Self.n(height - bottom + 16))\" text-anchor=\"middle\">\(Self.escape(xLabel?(tick) ?? Self.label(tick)))</text>\n"
        }
        for band in bands {
            // One polygon per finite run: along the upper edge, back along the lower one.
            var run: [(Double, Double, Double)] = []
            func flush() {
                guard run.count > 1 else { run = []; return }
                let points = run.map { "\(Self.n(px($0.0))),\(Self.n(py($0.2)))" } + run.reversed().map { "\(Self.n(px($0.0))),\(Self.n(py($0.1)))" }
                out += "<polygon points=\"\(points.joined(separator: " "))\" fill=\"\(band.color)\" fill-opacity=\"\(band.opacity)\" stroke=\"none\">"
                    + "<title>\(Self.escape(band.name))</title></polygon>\n"
                run = []
            }
            for i in band.x.indices {
                if band.x[i].isFinite && band.lower[i].isFinite && band.upper[i].isFinite { run.append((band.x[i], band.lower[i], band.upper[i])) } else { flush() }
            }
            flush()
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
        // Bands after the lines, narrowest (drawn last, on top) nearest to them.
        for band in bands.reversed() {
            legendX -= Double(band.name.count) * 6.5 + 28
            out += "<rect x=\"\(Self.n(legendX))\" y=\"11\" width=\"18\" height=\"10\" fill=\"\(band.color)\" "
                + "fill-opacity=\"\(band.opacity)\"/>\n"
            out += "<text x=\"\(Self.n(legendX + 22))\" y=\"20\">\(Self.escape(band.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// `YYYY-MM-DD` (or `YYYY-MM-DD HH:MM` off midnight) of epoch seconds.
    public static func dateLabel(_ seconds: Double) -> String {
        let t = Int64(seconds.rounded())
        let civil = CivilTime(epochSeconds: t)
        let date = civil.formatted(dateOnly: true)
        guard civil.hour != 0 || civil.minute != 0 || civil.second != 0 else { return date }
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return date + " \(pad(civil.hour)):\(pad(civil.minute))"
    }

    /// Tick positions (epoch seconds) on calendar boundaries: years, months, days or hours, about
    /// five to eight of them over [low, high].
    public static func dateTicks(_ low: Double, _ high: Double) -> [Double] {
        let day = 86_400.0, span = high - low
        let start = CivilTime(epochSeconds: Int64(low.rounded(.down)))
        var out: [Double] = []
        if span >= 2 * 365 * day {
            let step = [1, 2, 5, 10, 20, 50, 100].first { Double($0) * 365.25 * day * 8 >= span } ?? 100
            var year = (start.year / step) * step
            while out.count < 50 {
                let t = Double(CivilTime(year: year, month: 1, day: 1).epochSeconds)
                if t > high { break }
                if t >= low { out.append(t) }
                year += step
            }
        } else if span >= 60 * day {
            let step = [1, 2, 3, 6].first { Double($0) * 30.4 * day * 8 >= span } ?? 6
            var (year, month) = (start.year, start.month)
            while out.count < 50 {
                let t = Double(CivilTime(year: year, month: month, day: 1).epochSeconds)
                if t > high { break }
                if t >= low && (month - 1) % step == 0 { out.append(t) }
                month += 1
                if month > 12 { month = 1; year += 1 }
            }
        } else if span >= 2 * day {
            let step = [1.0, 2, 7, 14].first { $0 * day * 8 >= span } ?? 14
            var t = (low / day).rounded(.up) * day
            while t <= high && out.count < 50 { out.append(t); t += step * day }
        } else {
            let step = [1.0, 2, 3, 6, 12].first { $0 * 3600 * 8 >= span } ?? 12
            var t = (low / 3600).rounded(.up) * 3600
            while t <= high && out.count < 50 { out.append(t); t += step * 3600 }
        }
        return out
    }

    /// Several plots stacked top to bottom in one SVG document.
    public static func stacked(_ plots: [LinePlot]) -> String {
        let width = plots.map(\.width).max() ?? 900, height = plots.reduce(0) { $0 + $1.height }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\">\n"
        var y = 0.0
        for plot in plots {
            out += plot.svg().replacingFirst("<svg ", with: "<svg y=\"\(n(y))\" ")
            y += plot.height
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

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let found = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(found, with: replacement)
        return copy
    }
}
