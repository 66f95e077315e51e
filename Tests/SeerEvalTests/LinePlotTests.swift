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

    @Test func roundTicks() {
        #expect(LinePlot.ticks(0, 1).map { ($0 * 10).rounded() / 10 } == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(LinePlot.ticks(-1.05, 1.05) == [-1, -0.5, 0, 0.5, 1])
        #expect(LinePlot.ticks(0, 2000) == [0, 500, 1000, 1500, 2000])
    }
}
