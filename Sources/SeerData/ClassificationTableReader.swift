// Labelled cases from a table — a CSV file or a SQLite table or query — for users whose cases
// live in a warehouse or a spreadsheet rather than in UCR/UEA `.ts` files. Two layouts:
//   long — one row per value: a case id, a label, a value, optionally a dimension (channel) and a
//          step to order by (else the rows' order);
//   wide — one row per case (or per case and dimension): an optional id, a label, and every
//          other column a step; trailing empty cells make a shorter case.
// A table with a value column is long, one without is wide. Column roles come from the options
// or from the usual names. Whatever would make a classifier silently wrong is refused with the
// row (CSV line) and column: a value that is not a number, a gap inside a case, a case whose rows
// disagree on its label, a case missing a dimension, a (case, dimension) given twice in wide form.
import Foundation
import SeerBase

/// Which columns play which role in a classification table (nil: found by its usual names).
public struct ClassificationColumns: Sendable, Equatable {
    public var id: String?, label: String?, value: String?, dimension: String?, step: String?

    public init(id: String? = nil, label: String? = nil, value: String? = nil, dimension: String? = nil, step: String? = nil) {
        self.id = id
        self.label = label
        self.value = value
        self.dimension = dimension
        self.step = step
    }

    /// The names each role is found by when not given, compared without case.
    static let usualNames: [String: [String]] = [
        "id": ["case", "case_id", "id", "unique_id", "series", "series_id"],
        "label": ["label", "class", "class_label", "target"],
        "value": ["value", "y"],
        "dimension": ["dimension", "dim", "channel", "variable"],
        "step": ["step", "t", "time", "timestamp", "ds", "index"],
    ]
}

/// Where labelled (or unlabelled) cases come from.
public enum CaseSource: Sendable, Equatable {
    /// A UCR/UEA `.ts` or `.tsv` file.
    case ucr(path: String)
    /// A CSV file in the long or wide layout.
    case csv(path: String, columns: ClassificationColumns)
    /// A SQLite table or read-only query in the long or wide layout.
    case sqlite(database: String, source: SQLiteSource, columns: ClassificationColumns)

    /// A file by its extension: `.ts`/`.tsv` through the UCR reader, anything else as CSV.
    public static func file(_ path: String, columns: ClassificationColumns = ClassificationColumns()) -> CaseSource {
        DataSource.isClassificationFile(path) ? .ucr(path: path) : .csv(path: path, columns: columns)
    }

    /// The input as messages name it.
    public var name: String {
        switch self {
        case .ucr(let path), .csv(let path, _): return path
        case .sqlite(let database, .table(let table), _): return "\(database):\(table)"
        case .sqlite(let database, .query(let sql, _), _): return "\(database):\(sql)"
        }
    }

    public func load() throws -> ClassificationDataset {
        switch self {
        case .ucr(let path): return try UCRReader.load(path)
        case .csv(let path, let columns): return try ClassificationTableReader.build(try CellTable.csv(path), columns: columns)
        case .sqlite(let database, let source, let columns):
            return try ClassificationTableReader.build(try CellTable.sqlite(database, source: source), columns: columns)
        }
    }
}

/// Builds a `ClassificationDataset` from a table of text cells.
enum ClassificationTableReader {
    static func build(_ table: CellTable, columns: ClassificationColumns) throws -> ClassificationDataset {
        func find(_ role: String, _ given: String?) throws -> Int? {
            if let given {
                guard let index = table.header.firstIndex(of: given) else {
                    throw DataError(.usage, "no \(role) column named '\(given)'; the columns are \(table.header.joined(separator: ", "))",
                                    at: SourceLocation(file: table.source))
                }
                return index
            }
            let lowered = table.header.map { $0.lowercased() }
            return ClassificationColumns.usualNames[role]!.lazy.compactMap { lowered.firstIndex(of: $0) }.first
        }
        let label = try find("label", columns.label), value = try find("value", columns.value)
        let id = try find("id", columns.id), dimension = try find("dimension", columns.dimension)
        let step = value == nil ? nil : try find("step", columns.step)
        let roles = [id, label, value, dimension, step].compactMap { $0 }
        guard Set(roles).count == roles.count else {
            throw DataError(.usage, "one column plays two roles (id, label, value, dimension, step); name them with the column options",
                            at: SourceLocation(file: table.source))
        }
        if value == nil, let given = columns.step {
            throw DataError(.usage, "--step-column '\(given)' orders a long table's values; this table has no value column, so it is wide (one row per case, every other column a step)",
                            at: SourceLocation(file: table.source))
        }
        // A wide table's steps: every column without a role, except an index a data frame wrote
        // beside the data (an empty header or "Unnamed: 0"), which would become every case's first value.
        let stepColumns = value == nil ? table.header.indices.filter { !roles.contains($0) && !Self.isIndexColumn(table.header[$0]) } : []
        if value != nil && id == nil {
            throw DataError(.usage, "a long table (one value per row) needs a case id column: \(ClassificationColumns.usualNames["id"]!.joined(separator: ", ")), or --id-column",
                            at: SourceLocation(file: table.source))
        }
        if value == nil && stepColumns.isEmpty {
            throw DataError(.usage, "no value column (value, y) and no step columns: the table holds no series", at: SourceLocation(file: table.source))
        }
        guard !table.rows.isEmpty else { throw DataError(.badInput, "the table has no rows", at: SourceLocation(file: table.source)) }

        // Cases in order of first appearance; per case its label and per dimension its values.
        final class Case {
            let id: String, label: String?, line: Int
            var channels: [String: [(step: String?, value: Float, line: Int)]] = [:]
            init(id: String, label: String?, line: Int) { self.id = id; self.label = label; self.line = line }
        }
        var cases: [Case] = [], byId: [String: Case] = [:], dimensionNames: [String] = [], classNames: [String] = []
        func where_(_ row: CellTable.Row, _ column: Int) -> SourceLocation { table.location(row, column: column) }
        for (r, row) in table.rows.enumerated() {
            let key = id.map { row.cells[$0] ?? "" } ?? String(r + 1)
            if let id, key.isEmpty { throw DataError(.badInput, "the case id is empty", at: where_(row, id)) }
            let labelText = label.flatMap { row.cells[$0] }
            if let label, labelText?.isEmpty ?? true { throw DataError(.badInput, "the class label is empty; every case needs one", at: where_(row, label)) }
            let item: Case
            if let existing = byId[key] {
                item = existing
                if existing.label != labelText, let label {
                    throw DataError(.badInput, "case '\(key)' has label '\(labelText ?? "")' here but '\(existing.label ?? "")' on \(table.rowWord) \(existing.line)", at: where_(row, label))
                }
            } else {
                item = Case(id: key, label: labelText, line: row.line)
                byId[key] = item
                cases.append(item)
                if let labelText, !classNames.contains(labelText) { classNames.append(labelText) }
            }
            let channel = dimension.map { row.cells[$0] ?? "" } ?? ""
            if !dimensionNames.contains(channel) { dimensionNames.append(channel) }
            if let value {
                let number = try Self.number(row.cells[value], at: where_(row, value))
                var stepText: String?
                if let step {
                    stepText = (row.cells[step] ?? "").trimmingCharacters(in: .whitespaces)
                    if stepText!.isEmpty { throw DataError(.badInput, "the step is empty; every row of a long table needs one to be ordered by", at: where_(row, step)) }
                }
                item.channels[channel, default: []].append((stepText, number, row.line))
            } else {
                if let first = item.channels[channel]?.first {
                    throw DataError(.badInput, "case '\(key)'\(channel.isEmpty ? "" : " dimension '\(channel)'") is given twice (first on \(table.rowWord) \(first.line)); a wide table has one row per case", at: where_(row, id ?? 0))
                }
                // Trailing empty cells end a shorter case; a gap before a value is refused.
                let cells = stepColumns.map { row.cells[$0] }
                let filled = (cells.lastIndex { !($0 ?? "").trimmingCharacters(in: .whitespaces).isEmpty } ?? -1) + 1
                guard filled > 0 else { throw DataError(.badInput, "case '\(key)' has no values", at: where_(row, stepColumns[0])) }
                item.channels[channel] = try (0..<filled).map { (nil, try Self.number(cells[$0], at: where_(row, stepColumns[$0])), row.line) }
            }
        }
        // Dimensions in sorted order (numerically when every name is a number), so tables that list
        // them in another order give the same channels; then each case's values by step.
        Self.sortNames(&dimensionNames)
        var built: [[[Float]]] = []
        for item in cases {
            var channels: [[Float]] = []
            for name in dimensionNames {
                guard var values = item.channels[name] else {
                    throw DataError(.badInput, "case starting on \(table.rowWord) \(item.line) has no values for dimension '\(name)'; every case needs every dimension",
                                    at: SourceLocation(file: table.source, line: item.line))
                }
                if step != nil { values = try Self.ordered(values, caseId: item.id, dimension: name, source: table.source, rowWord: table.rowWord) }
                channels.append(values.map(\.value))
            }
            if let ragged = channels.firstIndex(where: { $0.count != channels[0].count }) {
                throw DataError(.badInput, "case '\(item.id)' has \(channels[ragged].count) values for dimension '\(dimensionNames[ragged])' but \(channels[0].count) for '\(dimensionNames[0])'; the dimensions of a case must have one length",
                                at: SourceLocation(file: table.source, line: item.line))
            }
            built.append(channels)
        }
        // Classes in sorted order (numerically when every name is a number), as a label encoder
        // sorts them: the same classes in any row order give the same model outputs.
        Self.sortNames(&classNames)
        let labels = label == nil ? [] : cases.map { classNames.firstIndex(of: $0.label!)! }
        let name = ((table.source as NSString).lastPathComponent as NSString).deletingPathExtension
        var dataset = try ClassificationDataset(name: name, classNames: classNames, labels: labels, cases: built)
        if id != nil { dataset.caseIds = cases.map(\.id) }
        return dataset
    }

    /// Sorts names numerically when every one is a number, else as text.
    static func sortNames(_ names: inout [String]) {
        if names.allSatisfy({ Double($0) != nil }) { names.sort { Double($0)! < Double($1)! } } else { names.sort() }
    }

    /// An index column a data frame writes beside the data.
    static func isIndexColumn(_ name: String) -> Bool { name.isEmpty || name.hasPrefix("Unnamed: ") }

    /// A case's values ordered by their steps: numerically when every step is a number, as text
    /// when every step has one width (ISO timestamps, zero-padded codes), else refused — text order
    /// would put "10" before "2". A step given twice is refused too.
    static func ordered(_ values: [(step: String?, value: Float, line: Int)], caseId: String, dimension: String, source: String,
                        rowWord: String) throws -> [(step: String?, value: Float, line: Int)] {
        let numbers = values.compactMap { $0.step.flatMap(Double.init) }
        let sorted: [(step: String?, value: Float, line: Int)]
        let same: (String, String) -> Bool
        if numbers.count == values.count {
            sorted = zip(values, numbers).sorted { $0.1 < $1.1 }.map(\.0)
            same = { Double($0)! == Double($1)! }
        } else {
            guard Set(values.map { $0.step!.count }).count == 1 else {
                let odd = values.first { Double($0.step!) == nil }!
                throw DataError(.badInput, "case '\(caseId)' has step '\(odd.step!)'; steps must be numbers, or text of one width (such as ISO timestamps) to be ordered as text",
                                at: SourceLocation(file: source, line: odd.line))
            }
            sorted = values.sorted { $0.step! < $1.step! }
            same = { $0 == $1 }
        }
        for i in sorted.indices.dropFirst() where same(sorted[i].step!, sorted[i - 1].step!) {
            throw DataError(.badInput, "case '\(caseId)'\(dimension.isEmpty ? "" : " dimension '\(dimension)'") has step \(sorted[i].step!) twice (also on \(rowWord) \(sorted[i - 1].line))",
                            at: SourceLocation(file: source, line: sorted[i].line))
        }
        return sorted
    }

    /// A finite number, or an error at the cell saying what was found.
    static func number(_ text: String?, at location: SourceLocation) throws -> Float {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
        switch NumberParser.parse(trimmed) {
        case .value(let x): return x
        case .missing: throw DataError(.badInput, "a missing value ('\(trimmed)') inside a case; fill it or drop the case", at: location)
        case .outOfRange: throw DataError(.badInput, "'\(trimmed)' is outside the Float32 range", at: location)
        case .invalid: throw DataError(.badInput, "expected a number, found '\(trimmed)'", at: location)
        }
    }
}
