import Foundation

/// A fresh, empty directory under the system's temporary directory, removed with its contents when the value is
/// released.
///
/// Shared by the test targets: keep the value alive for as long as the directory is
/// used, e.g. as a stored property of the suite (Swift Testing makes one suite value per test) or with
/// ``withTemporaryDirectory(prefix:_:)``.
public final class TemporaryDirectory: Sendable {
    /// The directory's absolute path, without a trailing slash.
    public let path: String

    /// Creates the directory.
    ///
    /// Failing to create a directory under `/tmp` means the machine cannot run the tests at all, so it stops the
    /// test process with the reason rather than throwing.
    ///
    /// - Parameters:
    ///   - prefix: The start of the directory's name, to tell which test left it behind after a crash.
    public init(prefix: String = "stockd-test") {
        path = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            fatalError("cannot create the temporary directory \(path): \(error)")
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body` with the path of a fresh, empty temporary directory, and removes the directory afterwards.
///
/// - Parameters:
///   - prefix: The start of the directory's name.
///   - body: Receives the directory's path.
/// - Returns: What `body` returns.
/// - Throws: Whatever `body` throws.
public func withTemporaryDirectory<R>(prefix: String = "stockd-test", _ body: (String) throws -> R) rethrows -> R {
    let directory = TemporaryDirectory(prefix: prefix)
    return try withExtendedLifetime(directory) { try body(directory.path) }
}
