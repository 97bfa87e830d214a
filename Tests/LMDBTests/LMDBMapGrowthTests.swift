import Dispatch
import Foundation
import LMDB
import TestSupport
import Testing

@Suite struct LMDBMapGrowthTests {
    /// 2,000 values of 2,000 bytes: about 4 MB of data plus B-tree overhead.
    private static let rowCount: UInt32 = 2_000
    private static let rowSize = 2_000

    private static func writeRows(_ transaction: inout LMDBWriteTransaction, in database: LMDBDatabase) throws {
        var row = [UInt8](repeating: 0, count: rowSize)
        for index in 0..<rowCount {
            row[0] = UInt8(truncatingIfNeeded: index)
            try transaction.put(row, forKey: index.bigEndianBytes, in: database)
        }
    }

    @Test func mapGrowsWhenATransactionFillsIt() throws {
        try withTemporaryDirectory(prefix: "LMDBTests") { directory in
            let path = directory + "/env"
            let initialMapSize = 64 << 10
            let database: LMDBDatabase
            do {
                let environment = try LMDBEnvironment(path: path, maxDatabases: 2, mapSize: initialMapSize)
                #expect(environment.mapSize == initialMapSize)
                database = try environment.openDatabase(named: "big", create: true)

                var runs = 0
                try environment.withWriteTransaction { transaction in
                    runs += 1
                    try Self.writeRows(&transaction, in: database)
                }
                #expect(runs > 1, "the body should have been re-run after growing the map")
                #expect(environment.mapSize >= Int(Self.rowCount) * Self.rowSize)
                #expect(environment.info.mapSize == environment.mapSize)
                #expect(try environment.dataFileSize >= Int(Self.rowCount) * Self.rowSize)

                let (count, value) = try environment.withReadTransaction { transaction in
                    (try transaction.count(in: database), try transaction.get(UInt32(1_999).bigEndianBytes, in: database))
                }
                #expect(count == Int(Self.rowCount))
                #expect(value?.count == Self.rowSize)
                #expect(value?.first == UInt8(truncatingIfNeeded: 1_999))
            }

            // Reopening with the small configured size still works: LMDB maps at least the
            // data in use, and the next write grows it again.
            let environment = try LMDBEnvironment(path: path, maxDatabases: 2, mapSize: initialMapSize, mapGrowth: .step(bytes: 1 << 20))
            let reopened = try environment.openDatabase(named: "big")
            let sizeBefore = environment.mapSize
            try environment.withWriteTransaction { transaction in
                var row = [UInt8](repeating: 7, count: Self.rowSize)
                for index in Self.rowCount..<(Self.rowCount + 500) {
                    row[1] = UInt8(truncatingIfNeeded: index)
                    try transaction.put(row, forKey: index.bigEndianBytes, in: reopened)
                }
            }
            #expect(environment.mapSize > sizeBefore)
            let count = try environment.withReadTransaction { try $0.count(in: reopened) }
            #expect(count == Int(Self.rowCount) + 500)
        }
    }

    @Test func growthRetriesEvenIfTheBodySwallowsMapFull() throws {
        try withTemporaryEnvironment(mapSize: 64 << 10) { environment in
            let database = try environment.openDatabase(named: "big", create: true)
            var swallowed = 0
            try environment.withWriteTransaction { transaction in
                do {
                    try Self.writeRows(&transaction, in: database)
                } catch let error as LMDBError where error.code == .mapFull {
                    swallowed += 1
                }
            }
            #expect(swallowed > 0)
            let count = try environment.withReadTransaction { try $0.count(in: database) }
            #expect(count == Int(Self.rowCount))
        }
    }

    @Test func growthWaitsForAnOpenReadTransaction() throws {
        try withTemporaryEnvironment(mapSize: 64 << 10) { environment in
            let database = try environment.openDatabase(named: "big", create: true)
            try environment.withWriteTransaction { try $0.put(bytes("before"), forKey: bytes("marker"), in: database) }

            let snapshot = try environment.beginReadTransaction()
            let writerFinished = SharedValue(false)
            let writerError = SharedValue<String?>(nil)
            let finished = DispatchSemaphore(value: 0)
            startThread {
                do {
                    try environment.withWriteTransaction { try Self.writeRows(&$0, in: database) }
                } catch {
                    writerError.update { $0 = "\(error)" }
                }
                writerFinished.update { $0 = true }
                finished.signal()
            }

            // The writer fills the map and must wait for `snapshot` before remapping.
            Thread.sleep(forTimeInterval: 0.3)
            #expect(!writerFinished.value)
            let marker = try snapshot.get(bytes("marker"), in: database)
            #expect(marker == bytes("before"))
            snapshot.end()

            finished.wait()
            #expect(writerError.value == nil)
            let count = try environment.withReadTransaction { try $0.count(in: database) }
            #expect(count == Int(Self.rowCount) + 1)
        }
    }
}
