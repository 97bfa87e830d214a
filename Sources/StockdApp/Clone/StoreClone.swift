import AsyncHTTPClient
import Crypto
import Foundation
import LibPQ
public import Logging
import NIOCore
import NIOHTTP1
import OdooReplication
import PostgresReplicationWire
import StockProjection
import StockStorage

/// `stockd clone`: bootstraps a new instance from a running peer instead of a fresh snapshot of Odoo's database.
///
/// 1. Creates this instance's own logical slot first (no exported snapshot) and notes its consistent point.
/// 2. Downloads the peer's `GET /v1/admin/store-snapshot?min_lsn=<consistent point>` (the peer first waits, bounded,
///    until it has reached the point; then a consistent LMDB copy) into a directory beside the store, hashing it on
///    the way, and checks the size and SHA-256 the peer announced.
/// 3. Refuses a copy whose checkpoint (or the later position its instance confirmed while idle) is before the
///    slot's consistent point: the transactions between them would never reach this instance. While time remains
///    (`maxWait`) it asks again, since a streaming peer soon passes the point; then it drops the slot and fails.
/// 4. Makes the copy this instance's own (a change-log epoch with this slot's tag, so the peer's cursors get `410`;
///    the session closed; the peer's outbox and delivery state emptied) and renames it into place.
///
/// `stockd serve` on the store then finds a checkpoint and its slot, and streams from there without a snapshot.
/// Any failure after the slot was created drops it again, so a failed clone leaves no slot holding WAL.
public struct StoreClone: Sendable {
    /// The peer's base URL (`http://peer:8080`).
    public var peer: String
    /// A bearer token with the `admin` scope on the peer.
    public var token: String?
    /// How long to keep asking a peer that has not yet reached the slot's consistent point.
    public var maxWait: Duration
    /// The configuration of the new instance (store path, source DSN, slot).
    public var configuration: StockdConfiguration

    /// Creates the command.
    public init(peer: String, token: String?, maxWait: Duration, configuration: StockdConfiguration) {
        self.peer = peer.hasSuffix("/") ? String(peer.dropLast()) : peer
        self.token = token
        self.maxWait = maxWait
        self.configuration = configuration
    }

    /// What a download received.
    struct Download {
        var directory: String
        var checkpoint: LSN
        var covered: LSN
        var bytes: Int
        var sha256: String
    }

    /// Runs the clone.
    ///
    /// - Returns: The report to print.
    /// - Throws: ``CloneError`` for a refusal, or what PostgreSQL, the network or the store failed with.
    public func run(logger: Logger) async throws -> String {
        let started = ContinuousClock.now
        // Absolute, so that the staging directory beside it is on the same file system (one rename installs it).
        let storePath = URL(fileURLWithPath: configuration.store.path).standardizedFileURL.path
        let files = FileManager.default
        if files.fileExists(atPath: storePath), !((try? files.contentsOfDirectory(atPath: storePath))?.isEmpty ?? false) {
            throw CloneError.storeNotEmpty(storePath)
        }
        let feed = try ReplicationRuntime.feedConfiguration(configuration)
        let slot = ReplicationSlot(name: feed.slot)
        let consistentPoint: LSN
        do {
            let replication = try PostgresConnection(conninfo: feed.connectionString, replication: true)
            consistentPoint = try slot.createWithoutSnapshot(on: replication)
        } catch let error as PostgresError where error.sqlState == "42710" {
            throw CloneError.slotExists(slot.name)
        }
        logger.info("slot created", metadata: ["slot": "\(slot.name)", "replication.lsn": "\(consistentPoint)"])
        let staging = (storePath as NSString).deletingLastPathComponent + "/." + (storePath as NSString).lastPathComponent + ".clone"
        do {
            let deadline = ContinuousClock.now + maxWait
            var download: Download
            while true {
                try? files.removeItem(atPath: staging)
                let (checkpoint, covered): (String, String)
                switch try await fetch(into: staging, minLSN: consistentPoint) {
                case .copy(let received):
                    download = received
                    if CloneDecision.verdict(consistentPoint: consistentPoint.rawValue, covered: received.covered.rawValue) == .usable {
                        break
                    }
                    (checkpoint, covered) = ("\(received.checkpoint)", "\(received.covered)")
                    logger.notice(
                        "the peer's copy is before the slot's consistent point; asking again",
                        metadata: ["checkpoint": "\(checkpoint)", "consistent_point": "\(consistentPoint)"])
                    guard ContinuousClock.now + .seconds(1) < deadline else {
                        throw CloneError.peerBehind(checkpoint: checkpoint, covered: covered, consistentPoint: "\(consistentPoint)", slot: slot.name)
                    }
                    try await Task.sleep(for: .seconds(1))
                    continue
                case .behind(let reached):
                    // The peer waited (its http.min_lsn_max_wait_ms) and did not reach the point.
                    guard ContinuousClock.now < deadline else {
                        throw CloneError.peerBehind(checkpoint: reached, covered: reached, consistentPoint: "\(consistentPoint)", slot: slot.name)
                    }
                    logger.notice(
                        "the peer has not reached the slot's consistent point yet; asking again",
                        metadata: ["peer_lsn": "\(reached)", "consistent_point": "\(consistentPoint)"])
                    try await Task.sleep(for: .milliseconds(200))
                    continue
                }
                break
            }
            let epoch = try adopt(download, slot: slot.name)
            if files.fileExists(atPath: storePath) { try files.removeItem(atPath: storePath) }
            try files.moveItem(atPath: staging, toPath: storePath)
            let elapsed = (ContinuousClock.now - started).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            return """
                cloned \(download.bytes) bytes from \(peer) into \(storePath) (SHA-256 \(download.sha256) verified) in \
                \(String(format: "%.1f", seconds)) s
                checkpoint \(download.checkpoint) (covering up to \(download.covered)); slot \(slot.name) created at consistent \
                point \(consistentPoint); change-log epoch \(epoch) (the peer's cursors get 410 here)
                next: stockd serve --store \(storePath)\(configuration.instance.name.map { " --instance \($0)" } ?? "") \
                streams from the checkpoint on slot \(slot.name), without a snapshot
                """
        } catch {
            try? files.removeItem(atPath: staging)
            dropSlot(slot, connectionString: feed.connectionString, logger: logger)
            throw error
        }
    }

    /// What one request to the peer gave.
    enum Fetched {
        /// A verified copy.
        case copy(Download)
        /// The peer has not reached `min_lsn` within its wait; it has reached this position.
        case behind(String)
    }

    /// Downloads the peer's copy into `directory/data.mdb`, hashing it on the way, and verifies it; the peer first
    /// waits (bounded) until it has reached `minLSN`.
    func fetch(into directory: String, minLSN: LSN) async throws -> Fetched {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var request = HTTPClientRequest(url: peer + "/v1/admin/store-snapshot?min_lsn=\(minLSN)")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .hours(2))
        } catch {
            throw CloneError.peerUnreachable(peer: peer, reason: "\(error)")
        }
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
            if response.status == .serviceUnavailable,
                let problem = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                problem["type"] as? String == "urn:stockd:problem:lsn-not-reached", let reached = problem["lsn"] as? String
            {
                return .behind(reached)
            }
            throw CloneError.peerRefused(status: Int(response.status.code), detail: body.isEmpty ? "\(response.status)" : body)
        }
        func header(_ name: String) throws(CloneError) -> String {
            guard let value = response.headers.first(name: name) else { throw .missingHeader(name) }
            return value
        }
        let expectedSHA = try header("Stockd-Store-SHA256")
        guard let checkpoint = LSN(try header("Stockd-Store-Checkpoint")) else { throw CloneError.missingHeader("Stockd-Store-Checkpoint") }
        let covered = try response.headers.first(name: "Stockd-Store-Covered").flatMap(LSN.init) ?? checkpoint
        guard let expectedBytes = Int(try header("Content-Length")) else { throw CloneError.missingHeader("Content-Length") }
        let path = directory + "/data.mdb"
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CloneError.copyMismatch("cannot write \(path)")
        }
        var hasher = SHA256()
        var received = 0
        do {
            defer { try? handle.close() }
            for try await chunk in response.body {
                chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                try handle.write(contentsOf: chunk.readableBytesView)
                received += chunk.readableBytes
            }
            try handle.synchronize()
        }
        let computed = StoreSnapshotExport.hex(hasher.finalize())
        try CloneDecision.verify(expectedBytes: expectedBytes, receivedBytes: received, expectedSHA256: expectedSHA, computedSHA256: computed)
        return .copy(Download(directory: directory, checkpoint: checkpoint, covered: covered, bytes: received, sha256: computed))
    }

    /// Opens the downloaded store, checks it against its headers and makes it this instance's own.
    ///
    /// - Returns: The new change-log epoch.
    func adopt(_ download: Download, slot: String) throws -> UInt16 {
        let store = try LMDBProjectionStore(
            path: download.directory, initialMapSize: max(1, configuration.store.mapSizeMB) << 20, durability: .full)
        let copy = try store.describeCopy()
        guard copy.checkpoint.position == download.checkpoint.rawValue else {
            throw CloneError.copyMismatch("its checkpoint is \(copy.checkpoint), the header said \(download.checkpoint)")
        }
        var epoch = ChangeCursor.randomEpoch(tag: ChangeCursor.tag(forSlot: slot))
        while epoch == copy.changeEpoch { epoch = ChangeCursor.randomEpoch(tag: ChangeCursor.tag(forSlot: slot)) }
        try store.adoptAsClone(changeEpoch: epoch)
        return epoch
    }

    /// Drops the slot this run created (after a refusal or a failure), so it holds no WAL.
    func dropSlot(_ slot: ReplicationSlot, connectionString: String, logger: Logger) {
        do {
            try slot.drop(on: try PostgresConnection(conninfo: connectionString))
        } catch {
            logger.error(
                "could not drop the slot this clone created; drop it with stockd decommission",
                metadata: ["slot": "\(slot.name)", "error": "\(error)"])
        }
    }
}
