// The one error contract: each failure kind maps to its sysexits.h code, and DataError — the
// concrete error of inputs, outputs and model files — prints its place before its message.
import SeerBase
import Testing

@Suite struct SeerErrorTests {
    @Test func everyKindHasItsExitCode() {
        let codes: [(FailureKind, Int32)] = [(.usage, 64), (.badInput, 65), (.missingInput, 66), (.unavailable, 69), (.io, 74),
                                             (.temporary, 75), (.other, 1)]
        for (kind, code) in codes { #expect(kind.exitCode == code, "\(kind)") }
    }

    @Test func dataErrorNamesFileLineAndColumn() {
        let error = DataError.bad("expected a number, found 'x'", file: "in.csv", line: 3, column: 2, columnName: "y")
        #expect(error.description == "in.csv:3:2: column 'y': expected a number, found 'x'")
        #expect(error.exitCode == 65 && error.file == "in.csv")
        let whole = DataError(.missingInput, "no such model directory", file: "models/m1")
        #expect(whole.description == "models/m1: no such model directory" && whole.exitCode == 66)
    }

    @Test func aRemedyNamesTheSettingNotAFlag() {
        let error = DataError(.badInput, "missing value (2 missing in all)", at: SourceLocation(file: "in.csv", line: 4, column: 2),
                              remedy: Remedy(.missingValues, ["ffill", "interpolate", "drop", "keep"]))
        #expect(error.description == "in.csv:4:2: missing value (2 missing in all); set the missing-value policy to ffill, interpolate, drop or keep")
        #expect(error.placedMessage == "in.csv:4:2: missing value (2 missing in all)")
        #expect(!error.description.contains("--"))
    }

    @Test func anyAdopterIsCaughtAsSeerError() {
        struct Busy: SeerError {
            var kind: FailureKind { .temporary }
            var description: String { "the registry is locked by another run" }
        }
        let errors: [any Error] = [Busy(), DataError(.io, "disk full", file: "out.csv")]
        let codes = errors.compactMap { ($0 as? any SeerError)?.exitCode }
        #expect(codes == [75, 74])
    }
}
