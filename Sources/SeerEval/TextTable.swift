// Plain-text tables for terminal output (right-aligned numbers, left-aligned text, two-space
// gutter) and the compact number format of every table, summary and report, so figures look
// the same everywhere Seer prints them.
import Foundation

/// A table of text cells under a header, rendered with aligned columns.
public struct TextTable {
    public var header: [String]
    public var rows: [[String]] = []

    public init(_ header: [String]) { self.header = header }

    /// Appends one row (as many cells as the header).
    public mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as lines, each prefixed with `indent`.
    public func render(indent: String = "") -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0.count > c ? $0[c].count : 0 }.max() ?? 0 }
        func isNumeric(_ s: String) -> Bool { !s.isEmpty && Double(s.replacingOccurrences(of: "×", with: "")) != nil || s == "—" }
        // A column whose body is all numbers is right-aligned, header included.
        let numeric = header.indices.map { c in c > 0 && !rows.isEmpty && rows.allSatisfy { $0.count > c && isNumeric($0[c]) } }
        return all.map { row in
            indent + row.indices.map { c in
                let cell = row[c]
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return numeric[c] ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }
}

/// Compact number formatting: 4 significant digits in the usual range, scientific outside it.
public func formatNumber(_ x: Double?) -> String {
    guard let x else { return "—" }
    if x == 0 { return "0" }
    let magnitude = abs(x)
    if magnitude >= 1e7 || magnitude < 1e-3 { return String(format: "%.3e", x) }
    if magnitude >= 1000 { return String(format: "%.1f", x) }
    return String(format: "%.4g", x)
}
