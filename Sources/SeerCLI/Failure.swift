// Turns any error into a one-line message on stderr and the documented exit code (0 ok, 64
// usage, 65 bad input data, 66 missing input, 69 unavailable, 74 I/O error, 75 temporary, 1
// other). Library errors adopt `SeerError` and speak of settings, not flags; here, and only
// here, the flag that changes each setting is added to the message.
import ArgumentParser
import Foundation
import Seer

/// Runs `body`, reporting any error the way the CLI promises.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as DataError {
        // The remedy as the flag that sets it.
        printError(error.placedMessage + (error.remedy.map { "; use \(flag(for: $0.setting)) \($0.choices)" } ?? ""))
        throw ExitCode(error.exitCode)
    } catch let error as any SeerError {
        printError(error.description + (flagAdvice(for: error).map { ": \($0)" } ?? ""))
        throw ExitCode(error.exitCode)
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        printError("\(error)")
        throw ExitCode(1)
    }
}

/// `reportingErrors` for async commands (`seer serve`).
func reportingErrorsAsync(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        try reportingErrors { throw error }
    }
}

/// The option that sets a reader's or task's setting.
func flag(for setting: Setting) -> String {
    switch setting {
    case .duplicateTimestamps: return "--on-duplicate"
    case .missingValues: return "--missing"
    }
}

/// The command-line options that change what a library error complains about.
func flagAdvice(for error: any SeerError) -> String? {
    switch error {
    case ForecasterError.tooShort(_, _, let need): return advice(lowering: need)
    case ForecasterError.missingValues, ForecastTaskError.missingValues: return "use --missing interpolate or ffill"
    case ForecastTaskError.noValues: return "pick the value column with --target"
    case ForecastTaskError.nothingFits: return "lower --horizon or --lookback, or give a longer history"
    case ForecastTaskError.nothingFitsBefore: return "lower --folds, --step or --horizon, or pick a --model"
    case ForecastTaskError.calibrationDoesNotFit(_, _, _, _, let foldsRequested, let need):
        return advice(lowering: need) + (foldsRequested ? ", or --calibration-folds or --levels" : ", or --levels")
    case ForecastTaskError.tooFewResiduals: return "raise --calibration-folds or lower --levels"
    case is DeviceUnavailable: return "use --device cpu"
    case DetectError.shorterThanWarmup: return "lower --warmup or give more rows"
    default: return nil
    }
}

/// The options that lower a history need, each with its value now; only those that can go lower.
func advice(lowering need: HistoryNeed) -> String {
    switch need {
    case .window(let lookback, let horizon):
        return lookback > 1 ? "lower --lookback (now \(lookback)) or --horizon (now \(horizon))" : "lower --horizon (now \(horizon))"
    case .seasonWindow(let season, let horizon):
        return "lower --season (now \(season)) or --horizon (now \(horizon))"
    case .lookback(let lookback):
        return lookback > 1 ? "give a longer history, or lower --lookback (now \(lookback)) when training" : "give a longer history"
    case .season(let season):
        return season > 1 ? "give a longer history, or lower --season (now \(season))" : "give a longer history"
    case .folds(_, let horizon, let folds, let step, _):
        return "lower --folds (now \(folds)), --step (now \(step)) or --horizon (now \(horizon))"
    }
}

/// A problem with the request found while running (after parsing): the message and its exit code
/// (64 by default), without the usage text ArgumentParser prints for parse-time `ValidationError`s.
struct CommandFailure: SeerError {
    let kind: FailureKind
    let description: String
    init(_ message: String, kind: FailureKind = .usage) {
        self.kind = kind
        description = message
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("seer: error: \(message)\n".utf8))
}

/// Prints `value` as one pretty, key-sorted JSON document on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    print(try jsonDocument(value))
}

/// A problem the command reports and goes on past (a skipped stream line), on stderr.
func printWarning(_ message: String) {
    FileHandle.standardError.write(Data("seer: warning: \(message)\n".utf8))
}

/// A plain line on stderr (summaries, progress).
func printNote(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
