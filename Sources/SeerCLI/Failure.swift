// Turns library errors into a one-line message on stderr and the documented exit code:
// 0 ok, 64 usage, 65 bad input data, 66 missing input, 74 I/O error, 1 other.
import ArgumentParser
import Seer
import Foundation

/// Runs `body`, reporting any error the way the CLI promises.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as DataError {
        printError(error.description)
        throw ExitCode(error.exitCode)
    } catch let error as UsageFailure {
        printError(error.message)
        throw ExitCode(64)
    } catch let error as ForecasterError {
        printError(error.description)
        throw ExitCode(65)
    } catch let error as CheckpointError {
        printError(error.description)
        throw ExitCode(error.exitCode)
    } catch let error as DeviceUnavailable {
        printError(error.description)
        throw ExitCode(64)
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

/// A usage problem found while running (after parsing): the message and exit 64, without the
/// usage text ArgumentParser prints for parse-time `ValidationError`s.
struct UsageFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("seer: error: \(message)\n".utf8))
}
