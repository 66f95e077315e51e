// Where `seer classify` reads its training and test cases: `.ts`/`.tsv` files, CSV files, or
// tables and read-only queries of one SQLite database (`--sqlite DB`, then TRAIN and TEST name
// tables or are SELECT/WITH statements), with the column roles of a CSV or SQL table.
import ArgumentParser
import Seer

struct CaseInputOptions: ParsableArguments {
    @Option(help: "Read TRAIN and TEST from this SQLite database: each is a table name or a read-only SELECT/WITH query.")
    var sqlite: String?

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

    var columns: ClassificationColumns {
        ClassificationColumns(id: idColumn, label: labelColumn, value: valueColumn, dimension: dimensionColumn, step: stepColumn)
    }

    /// TRAIN or TEST as a source: a file, or with --sqlite a table or query.
    func source(_ argument: String) -> CaseSource {
        guard let sqlite else { return .file(argument, columns: columns) }
        let first = argument.trimmingCharacters(in: .whitespacesAndNewlines).prefix(6).lowercased()
        let isQuery = first.hasPrefix("select") || first.hasPrefix("with ")
        return .sqlite(database: sqlite, source: isQuery ? .query(sql: argument, parameters: []) : .table(name: argument), columns: columns)
    }
}
