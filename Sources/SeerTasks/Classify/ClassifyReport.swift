// The classification as one self-contained HTML page: the model and its training (cases, classes,
// features, the ridge's α chosen by leave-one-out), the accuracy, the confusion heatmap (rows =
// true class, the diagonal in the strong colour) and the per-class precision, recall and F1.
import Foundation
import SeerEval

extension ClassifyResult {
    /// The report page (the confusion sections only when the test set has labels).
    public func report() -> String {
        func name(_ path: String) -> String { (path as NSString).lastPathComponent }
        var facts: [(String, String)] = [
            ("model", model + (ClassifierModel(rawValue: model).map { ": " + $0.summary } ?? "")),
            ("training set", "\(train) — \(trainCases) cases, \(classes.count) classes"),
            ("test set", "\(test) — \(testCases) cases"),
            ("training", String(format: "%.2f s", trainSeconds) + (details.map { ", " + $0 } ?? "")),
            ("prediction", String(format: "%.2f s", predictSeconds)),
        ]
        if let accuracy { facts.append(("accuracy", String(format: "%.4f", accuracy))) }
        var sections = [HTMLReport.Section("Classification", [.keyValues(facts)])]
        if let confusion {
            let rows = confusion.classes.indices.map { c in
                [confusion.classes[c], ConfusionMatrix.format(confusion.precision(c)), ConfusionMatrix.format(confusion.recall(c)),
                 ConfusionMatrix.format(confusion.f1(c)), String(confusion.support(c))]
            }
            sections.append(HTMLReport.Section("Confusion", [
                .figure(svg: confusion.heatmapSVG(title: "Confusion matrix: \(name(test))"),
                        caption: "Rows: the true class; columns: the predicted class; counts in the cells."),
                .table(header: ["class", "precision", "recall", "F1", "support"], rows: rows),
                .paragraph("Accuracy \(ConfusionMatrix.format(confusion.accuracy)), macro F1 \(ConfusionMatrix.format(confusion.macroF1)), "
                           + "weighted F1 \(ConfusionMatrix.format(confusion.weightedF1)) over \(confusion.total) cases."),
            ]))
        }
        return HTMLReport(title: "Classification: \(name(test))", sections: sections).html()
    }
}
