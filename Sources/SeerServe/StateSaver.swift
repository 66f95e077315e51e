// Saves the detector table every `--state-interval` and once more on shutdown, into the same
// `detect-state.json` `seer detect --stream --state` keeps, so either can resume the other. The
// file is written atomically; a failed save is logged and tried again next time, never fatal.
import Logging
import SeerTasks
import ServiceLifecycle

struct StateSaver: Service {
    let table: SeriesTable
    let store: DetectStateStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        // Started before the server, so stopped after it: the last save sees every answered point.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            save()
        }
    }

    func save() {
        do {
            try store.save(table.snapshot())
        } catch {
            logger.error("cannot save the detector state: \(error)")
        }
    }
}
