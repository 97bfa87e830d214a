import ArgumentParser
import Foundation
import Logging
import StockdApp

/// The flags every subcommand accepts; they override the environment and the configuration file.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (YAML); see config/stockd.yaml.")
    var config: String?

    @Option(name: .long, help: "The LMDB store directory (store.path).")
    var store: String?

    @Option(name: .long, help: "libpq connection string of Odoo's database (source.dsn).")
    var dsn: String?

    @Option(name: .long, help: "HTTP listen address (http.host).")
    var host: String?

    @Option(name: .long, help: "HTTP port (http.port).")
    var port: Int?

    @Option(name: .long, help: "This instance's name (instance.name): its slot is stockd_<name> unless source.slot is set.")
    var instance: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (log.level).")
    var logLevel: String?

    /// Loads the configuration: flags over environment over file over defaults.
    ///
    /// - Parameter adding: Sets the overrides of a subcommand's own flags (e.g. `serve`'s HTTP limits).
    func load(adding: (inout ConfigurationOverrides) -> Void = { _ in }) async throws -> StockdConfiguration {
        var overrides = ConfigurationOverrides(store: store, dsn: dsn, host: host, port: port, logLevel: logLevel)
        overrides.instanceName = instance
        adding(&overrides)
        do {
            return try await StockdConfiguration.load(overrides: overrides, environment: ProcessInfo.processInfo.environment, configFile: config)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }

    /// A logger writing to standard error at the configured level.
    func logger(_ configuration: StockdConfiguration) -> Logger {
        var logger = Logger(label: "stockd") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = configuration.log.level
        return logger
    }
}

/// Runs a command body, turning known failures into a one-line message and exit code 1 instead of a trace.
func reportingFailures<R>(_ body: () async throws -> R) async throws -> R {
    do {
        return try await body()
    } catch let error as ValidationError {
        throw error
    } catch let error as any CustomStringConvertible & Error {
        FileHandle.standardError.write(Data("stockd: \(error.description)\n".utf8))
        throw ExitCode.failure
    }
}
