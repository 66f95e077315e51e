// The SVG overlay writer: a well-formed document whose paths follow the data, NaN gaps that
// break a line into segments, escaped text and round tick values.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import SeerEval

struct LinePlotTests {
    @Test func pathsFollowTheDataAndBreakAtNaN() throws {
        let plot = LinePlot(title: "a < b & c", series: [
            .init(name: "truth", color: LinePlot.truthColor, x: [0, 1, 2, 3], y: [0, 1, 0, 1]),
            .init(name: "prediction", color: LinePlot.predictionColor, x: [0, 1, .nan, 2, 3], y: [0, 1, .nan, 0, 1]),
        ])
        let svg = plot.svg()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("a &lt; b &amp; c"))
        let paths = svg.components(separatedBy: "<path d=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(paths.count == 2)
        #expect(paths[0].filter { $0 == "M" }.count == 1 && paths[0].filter { $0 == "L" }.count == 3)
        #expect(paths[1].filter { $0 == "M" }.count == 2, "the NaN starts a second segment: \(paths[1])")
        _ = try XMLDocument(xmlString: svg)
    }

    @Test func bandsDatesAndStacking() throws {
        let day = 86_400.0, x = (0..<5).map { 1_704_067_200 + Double($0) * day }  // 2024-01-01 …
        var plot = LinePlot(title: "band", series: [.init(name: "forecast", color: LinePlot.predictionColor, x: x, y: [1, 2, 3, 2, 1])])
        plot.bands = [.init(name: "80 % interval", color: LinePlot.predictionColor, x: x, lower: [0, 1, .nan, 1, 0], upper: [2, 3, .nan, 3, 2])]
        plot.xLabel = LinePlot.dateLabel
        let svg = plot.svg()
        #expect(svg.components(separatedBy: "<polygon").count == 3, "the NaN splits the band in two")
        #expect(svg.contains(">2024-01-0"), "date tick labels")
        #expect(svg.contains("<text x=") && svg.contains(">80 % interval</text>"), "the band has a legend entry")
        #expect(LinePlot.dateLabel(1_709_164_800) == "2024-02-29" && LinePlot.dateLabel(1_709_164_800 + 3600 * 13 + 60 * 5) == "2024-02-29 13:05")
        #expect(LinePlot.dateLabel(-86_400) == "1969-12-31")
        let stacked = LinePlot.stacked([plot, plot])
        #expect(stacked.components(separatedBy: "<svg ").count == 4 && stacked.contains("<svg y=\"360\" "))
        _ = try XMLDocument(xmlString: stacked)
    }

    @Test func htmlReportIsSelfContained() throws {
        let report = HTMLReport(title: "R & D", sections: [
            .init("Inputs", [.keyValues([("file", "a<b>.csv")]), .paragraph("text"), .table(header: ["model", "MSE"], rows: [["nt", "0.5"]])]),
            .init("Plot", [.figure(svg: LinePlot(title: "p", series: []).svg(), caption: "c")]),
        ])
        let html = report.html()
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(html.contains("<title>R &amp; D</title>") && html.contains("a&lt;b&gt;.csv") && html.contains("<td class=\"num\">0.5</td>"))
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("<script"), "no external resources")
        #expect(html.components(separatedBy: "<section>").count == 3 && html.contains("<figure>\n<svg"))
    }

    @Test func roundTicks() {
        #expect(LinePlot.ticks(0, 1).map { ($0 * 10).rounded() / 10 } == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(LinePlot.ticks(-1.05, 1.05) == [-1, -0.5, 0, 0.5, 1])
        #expect(LinePlot.ticks(0, 2000) == [0, 500, 1000, 1500, 2000])
    }
}
