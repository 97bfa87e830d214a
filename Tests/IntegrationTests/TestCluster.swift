import Foundation
import OdooReplication
import PostgresReplicationWire
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL cluster of a test's own (scripts/pg-test.sh in a temporary directory), for faults that would
/// disturb the suites sharing the main test cluster: restarts, crashes, server settings.
final class TestCluster {
    let directory = TemporaryDirectory()
    let port: String
    private let environment: [String: String]

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/pg-test.sh").path
    }

    init() throws {
        chmod(directory.path, 0o755)
        environment = ProcessInfo.processInfo.environment.merging(["PGTEST_DIR": directory.path + "/pg"]) { $1 }
        // The script picks a free port and then starts the server on it; another cluster starting at the same moment
        // can take that port first. Try again on a new port, and say why when it keeps failing.
        var attempt = 0
        while true {
            attempt += 1
            do {
                try ShellCommand.run(["/bin/bash", Self.script, "start"], environment: environment)
                break
            } catch {
                let log = (try? String(contentsOfFile: directory.path + "/pg/server.log", encoding: .utf8)) ?? ""
                guard attempt < 4 else { throw ShellCommand.Failure(description: "\(error); server log: \(log.suffix(1_000))") }
                try? FileManager.default.removeItem(atPath: directory.path + "/pg/port")
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        port = try String(contentsOfFile: directory.path + "/pg/port", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server: `fast` (clean) or `immediate` (as a crash: recovery at the next start).
    func stop(mode: String = "fast") throws { try ShellCommand.run(["/bin/bash", Self.script, "stop", mode], environment: environment) }

    func start() throws { try ShellCommand.run(["/bin/bash", Self.script, "start"], environment: environment) }

    deinit { try? ShellCommand.run(["/bin/bash", Self.script, "destroy"], environment: environment) }
}

/// `stockd serve` as a child process on a port of its own, with its status read over HTTP.
final class StockdProcess {
    let process = Process()
    let port = ServeProcessTests.freePort()
    var base: String { "http://127.0.0.1:\(port)" }

    init(database: TestDatabase, store: String, environment extra: [String: String] = [:], dsn: String? = nil) throws {
        process.executableURL = CrashRecoveryTests.stockdExecutable
        process.arguments = [
            "serve", "--dsn", dsn ?? database.dsn, "--store", store, "--port", "\(port)", "--log-level", "error", "--status-every", "0",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["STOCKD_SOURCE_SLOT": database.slot], uniquingKeysWith: { $1 }).merging(
            extra
        ) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// The feed's phase and applied position from `/v1/status`, or `nil` while the server does not answer.
    func status() -> (phase: String, appliedLSN: UInt64?)? {
        guard let text = ServeProcessTests.get(base + "/v1/status"),
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let feed = object["feed"] as? [String: Any], let phase = feed["phase"] as? String
        else { return nil }
        return (phase, (feed["applied_lsn"] as? String).flatMap(LSN.init)?.rawValue)
    }

    /// Waits until `condition` holds for the status, polling every 20 ms; throws after `timeout` seconds.
    func wait(for what: String, timeout: Double = 60, _ condition: ((phase: String, appliedLSN: UInt64?)) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else { throw ShellCommand.Failure(description: "stockd exited while waiting for \(what)") }
            if let status = status(), condition(status) { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw ShellCommand.Failure(description: "timed out after \(timeout) s waiting for \(what): \(String(describing: status()))")
    }

    /// Waits until the instance has applied every transaction of `database` committed before `target` (a
    /// ``TestDatabase/currentLSN()`` taken after the test's writes): its applied position is there, or its slot
    /// confirmed a position at or past it. Other suites write to the shared cluster in parallel, so the WAL can
    /// end past this database's last commit, where the applied position alone never arrives.
    func waitUntilCaughtUp(with database: TestDatabase, to target: UInt64, timeout: Double = 60) throws {
        try wait(for: "the writes applied (\(LSN(target)))", timeout: timeout) { status in
            (status.appliedLSN ?? 0) >= target || database.slotConfirmedLSN() >= target
        }
    }

    /// Kills the process with SIGKILL and reaps it.
    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { if process.isRunning { kill() } }
}
