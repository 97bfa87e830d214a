import Foundation
import LMDB
import Testing

@Suite struct LMDBConcurrencyTests {
    /// Several reader threads check that keys A and B, always written together, are always equal
    /// and never go backwards, while one writer thread commits new values repeatedly.
    @Test func readersSeeConsistentSnapshotsWhileAWriterCommits() throws {
        try withTemporaryEnvironment(flags: [.noSync]) { environment in
            let database = try environment.openDatabase(named: "pair", create: true)
            try environment.withWriteTransaction { transaction in
                try transaction.put(UInt64(0).bigEndianBytes, forKey: bytes("A"), in: database)
                try transaction.put(UInt64(0).bigEndianBytes, forKey: bytes("B"), in: database)
            }

            let commits: UInt64 = 300
            let writerDone = SharedValue(false)
            let failures = SharedValue<[String]>([])
            let reads = SharedValue(0)

            let writer: @Sendable () -> Void = {
                defer { writerDone.update { $0 = true } }
                do {
                    for value in 1...commits {
                        try environment.withWriteTransaction { transaction in
                            try transaction.put(value.bigEndianBytes, forKey: bytes("A"), in: database)
                            try transaction.put(value.bigEndianBytes, forKey: bytes("B"), in: database)
                        }
                    }
                } catch {
                    failures.update { $0.append("writer: \(error)") }
                }
            }
            let reader: @Sendable () -> Void = {
                var previous: UInt64 = 0
                do {
                    // At least one read per reader, even if the writer finishes before this thread is scheduled.
                    repeat {
                        let (a, b) = try environment.withReadTransaction { transaction in
                            (try transaction.get(bytes("A"), in: database), try transaction.get(bytes("B"), in: database))
                        }
                        guard let a, let b else {
                            failures.update { $0.append("missing key") }
                            return
                        }
                        let valueA = UInt64(bigEndianBytes: a)
                        let valueB = UInt64(bigEndianBytes: b)
                        if valueA != valueB || valueA < previous {
                            failures.update { $0.append("inconsistent read: A=\(valueA) B=\(valueB) previous=\(previous)") }
                            return
                        }
                        previous = valueA
                        reads.update { $0 += 1 }
                    } while !writerDone.value
                } catch {
                    failures.update { $0.append("reader: \(error)") }
                }
            }
            runOnThreads([writer, reader, reader, reader])

            #expect(failures.value == [])
            #expect(reads.value > 0)
            let final = try environment.withReadTransaction { try $0.get(bytes("A"), in: database) }
            #expect(final == commits.bigEndianBytes)
        }
    }

    /// The map grows several times while readers keep reading: the resize waits for them and
    /// they never see a half-written transaction.
    @Test func readersStayConsistentWhileTheMapGrows() throws {
        try withTemporaryEnvironment(mapSize: 64 << 10, flags: [.noSync]) { environment in
            let database = try environment.openDatabase(named: "rows", create: true)
            let batches: UInt32 = 12
            let rowsPerBatch: UInt32 = 100
            let writerDone = SharedValue(false)
            let failures = SharedValue<[String]>([])

            let writer: @Sendable () -> Void = {
                defer { writerDone.update { $0 = true } }
                do {
                    var row = [UInt8](repeating: 0xAB, count: 2_000)
                    for batch in 0..<batches {
                        try environment.withWriteTransaction { transaction in
                            for index in 0..<rowsPerBatch {
                                row[0] = UInt8(truncatingIfNeeded: index)
                                try transaction.put(row, forKey: (batch * rowsPerBatch + index).bigEndianBytes, in: database)
                            }
                            let total = UInt64((batch + 1) * rowsPerBatch)
                            try transaction.put(total.bigEndianBytes, forKey: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF], in: database)
                        }
                    }
                } catch {
                    failures.update { $0.append("writer: \(error)") }
                }
            }
            let reader: @Sendable () -> Void = {
                do {
                    while !writerDone.value {
                        try environment.withReadTransaction { transaction in
                            let total =
                                try transaction.get([0xFF, 0xFF, 0xFF, 0xFF, 0xFF], in: database)
                                .map(UInt64.init(bigEndianBytes:)) ?? 0
                            var rows: UInt64 = 0
                            try transaction.forEach(in: database) { key, value in
                                if key.count == 4 {
                                    rows += 1
                                    if value.count != 2_000 || value[1] != 0xAB {
                                        failures.update { $0.append("corrupt row") }
                                    }
                                }
                                return .continue
                            }
                            if rows != total {
                                failures.update { $0.append("rows \(rows) != total \(total)") }
                            }
                        }
                    }
                } catch {
                    failures.update { $0.append("reader: \(error)") }
                }
            }
            runOnThreads([writer, reader, reader])

            #expect(failures.value == [])
            #expect(environment.mapSize > 64 << 10)
            let count = try environment.withReadTransaction { try $0.count(in: database) }
            #expect(count == Int(batches * rowsPerBatch) + 1)
        }
    }

    /// Writers on several threads queue on the environment's writer lock instead of deadlocking.
    @Test func writersFromSeveralThreadsAreSerialised() throws {
        try withTemporaryEnvironment(flags: [.noSync]) { environment in
            let database = try environment.openDatabase(named: "counter", create: true)
            let failures = SharedValue<[String]>([])
            let increment: @Sendable () -> Void = {
                do {
                    for _ in 0..<100 {
                        try environment.withWriteTransaction { transaction in
                            let current = try transaction.get(bytes("n"), in: database).map(UInt64.init(bigEndianBytes:)) ?? 0
                            try transaction.put((current + 1).bigEndianBytes, forKey: bytes("n"), in: database)
                        }
                    }
                } catch {
                    failures.update { $0.append("\(error)") }
                }
            }
            runOnThreads([increment, increment, increment, increment])
            #expect(failures.value == [])
            let total = try environment.withReadTransaction { try $0.get(bytes("n"), in: database) }
            #expect(total == UInt64(400).bigEndianBytes)
        }
    }
}
