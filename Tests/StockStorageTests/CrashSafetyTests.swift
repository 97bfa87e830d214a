import Foundation
import StockProjection
import TestSupport
import Testing

@testable import StockStorage

/// A writer process killed with SIGKILL in the middle of a batch leaves the store at its last committed
/// checkpoint, with exactly the data of that checkpoint.
@Suite struct CrashSafetyTests {
    static var writerExecutable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("store-crash-writer")
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func killedWriterLeavesTheLastCommittedCheckpoint(round: Int) throws {
        let directory = TemporaryDirectory()
        let rows: Int32 = 2_000
        var lastSeen: UInt64 = 0
        // Two kills per round: the second one resumes from what the first left.
        for _ in 0..<2 {
            let process = Process()
            process.executableURL = Self.writerExecutable
            process.arguments = [directory.path, String(rows)]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let target = lastSeen + UInt64(5 + round * 3)
            var buffer = Data()
            while lastSeen < target {
                let chunk = output.fileHandleForReading.availableData
                guard !chunk.isEmpty else { break }
                buffer.append(chunk)
                let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
                if let last = lines.last(where: { $0.hasPrefix("committed ") }), let value = UInt64(last.dropFirst(10)) {
                    lastSeen = value
                }
            }
            usleep(UInt32(round * 1_700))  // land somewhere inside a later batch
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)

            let store = try LMDBProjectionStore(path: directory.path, initialMapSize: 1 << 20)
            let state = try store.load()
            let projection = StockProjection(state: state)
            let snapshot = projection.snapshot()
            let checkpoint = try #require(snapshot.checkpoint).position
            #expect(checkpoint >= lastSeen)
            #expect(snapshot.counts.quants == Int(rows))
            // Every quant holds exactly `checkpoint` units: no row from a later, uncommitted batch.
            let scope = try snapshot.resolve(.location(LocationID(1)))
            let quantities = Set((1...rows).map { snapshot.figures(for: VariantID($0), in: scope).onHand })
            #expect(quantities == [Quantity(units: Int(checkpoint))])
            lastSeen = checkpoint
        }
    }
}
