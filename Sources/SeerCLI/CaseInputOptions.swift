// Where `seer classify` reads its training and test cases: `.ts`/`.tsv` files, CSV files, or
// tables and read-only queries of one SQLite database (`--sqlite DB`, then TRAIN and TEST name
// tables or are SELECT/WITH statements), with the column roles of a CSV or SQL table.
import ArgumentParser
import Seer

struct CaseInputOptions: ParsableArguments {
    @Option(help: "Read TRAIN and TEST from this SQLite database: each is a table name or a read-only SELECT/WITH query.")
    var sqlite: String?

    @OptionGroup var columns: CaseColumnOptions

    /// TRAIN or TEST as a source: a file, or with --sqlite a table or query (by its first word).
    func source(_ argument: String) -> CaseSource {
        guard let sqlite else { return .file(argument, columns: columns.roles) }
        let firstWord = argument.split(whereSeparator: { $0.isWhitespace || $0 == "(" }).first?.lowercased() ?? ""
        let isQuery = firstWord == "select" || firstWord == "with"
        return .sqlite(database: sqlite, source: isQuery ? .query(sql: argument, parameters: []) : .table(name: argument), columns: columns.roles)
    }
}

/// The column roles of a CSV or SQL table of cases (`classify`, and `predict` with a classifier).
struct CaseColumnOptions: ParsableArguments {
    @Option(name: .customLong("id-column"), help: "Case-id column of a CSV/SQL table (default: case, case_id, id, unique_id, series or series_id).")
    var idColumn: String?

    @Option(name: .customLong("label-column"), help: "Class-label column (default: label, class, class_label or target; none: unlabelled).")
    var labelColumn: String?

    @Option(name: .customLong("value-column"), help: "Value column of a long table, one value per row (default: value or y; without one the table is wide, one row per case).")
    var valueColumn: String?

    @Option(name: .customLong("dimension-column"), help: "Dimension (channel) column of a multivariate table (default: dimension, dim, channel or variable).")
    var dimensionColumn: String?

    @Option(name: .customLong("step-column"), help: "Column ordering a long table's values within a case (default: step, t, time, timestamp, ds or index; else row order).")
    var stepColumn: String?

    var roles: ClassificationColumns {
        ClassificationColumns(id: idColumn, label: labelColumn, value: valueColumn, dimension: dimensionColumn, step: stepColumn)
    }
}
