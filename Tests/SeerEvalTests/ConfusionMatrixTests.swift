// Confusion matrices against hand-computed figures, their text, CSV and heatmap, and the markup
// check that guards every figure and report.
import Foundation
@testable import SeerEval
import Testing

struct ConfusionMatrixTests {
    /// 3 classes; hand-computed: a row 5/1/0, b 2/3/1, c 0/0/4.
    @Test func scoresMatchHandComputedValues() throws {
        let m = ConfusionMatrix(classes: ["a", "b", "c"], counts: [[5, 1, 0], [2, 3, 1], [0, 0, 4]])
        #expect(m.total == 16 && m.support(1) == 6 && m.predictedCount(0) == 7)
        #expect(abs(m.precision(0)! - 5.0 / 7) < 1e-12 && abs(m.recall(1)! - 0.5) < 1e-12 && abs(m.precision(2)! - 0.8) < 1e-12)
        // F1: a 2·(5/7)(5/6)/(5/7+5/6) = 10/13; b 2·(3/4)(1/2)/(5/4) = 0.6; c 2·0.8·1/1.8 = 8/9.
        #expect(abs(m.f1(0)! - 10.0 / 13) < 1e-12 && abs(m.f1(1)! - 0.6) < 1e-12 && abs(m.f1(2)! - 8.0 / 9) < 1e-12)
        #expect(abs(m.accuracy! - 12.0 / 16) < 1e-12)
        #expect(abs(m.macroF1! - (10.0 / 13 + 0.6 + 8.0 / 9) / 3) < 1e-12)
        #expect(abs(m.weightedF1! - (6 * 10.0 / 13 + 6 * 0.6 + 4 * 8.0 / 9) / 16) < 1e-12)
        #expect(m.text.contains("accuracy 0.750") && m.text.contains("true \\ predicted"))
        #expect(m.csv.hasPrefix("true,predicted,count\na,a,5\na,b,1\n") && m.csv.split(separator: "\n").count == 10)
        let svg = m.heatmapSVG(title: "test")
        #expect(MarkupCheck.problem(in: svg) == nil, "\(MarkupCheck.problem(in: svg) ?? "")")
        #expect(svg.components(separatedBy: "<rect x=").count - 1 == 9 && svg.contains(">5</text>") && svg.contains(">4</text>"))
        // Nothing predicted as a class: its precision is undefined, not 0.
        let empty = ConfusionMatrix(classes: ["x", "y"], counts: [[3, 0], [2, 0]])
        #expect(empty.precision(1) == nil && empty.f1(1) == 0 && empty.recall(1) == 0)
    }

    @Test func theMarkupCheckFindsBrokenMarkup() {
        #expect(MarkupCheck.problem(in: "<svg><g><rect x=\"1\"/></g></svg>") == nil)
        #expect(MarkupCheck.problem(in: "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>a &amp; b</body></html>") == nil)
        #expect(MarkupCheck.problem(in: "<svg><g></svg>")?.contains("closes <g>") == true)
        #expect(MarkupCheck.problem(in: "<p>a & b</p>")?.contains("bare '&'") == true)
        #expect(MarkupCheck.problem(in: "<svg><text x=\"1>2</text></svg>") != nil)
        #expect(MarkupCheck.problem(in: "<svg>")?.contains("never closed") == true)
    }
}
