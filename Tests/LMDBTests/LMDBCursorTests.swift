import LMDB
import Testing

@Suite struct LMDBCursorTests {
    private let keys: [UInt32] = [300, 5, 70_000, 1, 256, 2, 65_536]

    private func filledEnvironment(_ body: (LMDBEnvironment, LMDBDatabase) throws -> Void) throws {
        try withTemporaryEnvironment { environment in
            let database = try environment.openDatabase(named: "numbers", create: true)
            try environment.withWriteTransaction { transaction in
                for key in keys {
                    try transaction.put(bytes("v\(key)"), forKey: key.bigEndianBytes, in: database)
                }
            }
            try body(environment, database)
        }
    }

    @Test func forEachVisitsBigEndianKeysInNumericOrder() throws {
        try filledEnvironment { environment, database in
            var visited: [UInt32] = []
            var values: [[UInt8]] = []
            try environment.withReadTransaction { transaction in
                try transaction.forEach(in: database) { key, value in
                    visited.append(UInt32(bigEndianBytes: key))
                    values.append(Array(value))
                    return .continue
                }
            }
            #expect(visited == keys.sorted())
            #expect(values == keys.sorted().map { bytes("v\($0)") })
        }
    }

    @Test func forEachStartsAtAKeyAndStops() throws {
        try filledEnvironment { environment, database in
            var fromMiddle: [UInt32] = []
            var firstTwo: [UInt32] = []
            var pastEnd: [UInt32] = []
            try environment.withReadTransaction { transaction in
                try transaction.forEach(in: database, from: UInt32(256).bigEndianBytes) { key, _ in
                    fromMiddle.append(UInt32(bigEndianBytes: key))
                    return .continue
                }
                try transaction.forEach(in: database, from: UInt32(3).bigEndianBytes) { key, _ in
                    firstTwo.append(UInt32(bigEndianBytes: key))
                    return firstTwo.count == 2 ? .stop : .continue
                }
                try transaction.forEach(in: database, from: UInt32(70_001).bigEndianBytes) { key, _ in
                    pastEnd.append(UInt32(bigEndianBytes: key))
                    return .continue
                }
            }
            #expect(fromMiddle == [256, 300, 65_536, 70_000])
            #expect(firstTwo == [5, 256])
            #expect(pastEnd.isEmpty)
        }
    }

    @Test func cursorPositioning() throws {
        try filledEnvironment { environment, database in
            try environment.withReadTransaction { transaction in
                try transaction.withCursor(in: database) { cursor in
                    let first = try cursor.first()
                    let second = try cursor.next()
                    let third = try cursor.next { key, _ in UInt32(bigEndianBytes: key) }
                    let back = try cursor.previous { key, _ in UInt32(bigEndianBytes: key) }
                    let last = try cursor.last()
                    let afterLast = try cursor.next()
                    let seekExisting = try cursor.seek(atLeast: UInt32(256).bigEndianBytes) { key, _ in UInt32(bigEndianBytes: key) }
                    let seekBetween = try cursor.seek(atLeast: UInt32(301).bigEndianBytes)
                    let seekPastEnd = try cursor.seek(atLeast: UInt32(70_001).bigEndianBytes)
                    let seekRaw = try UInt32(4).bigEndianBytes.withUnsafeBytes { try cursor.seek(atLeast: $0) }

                    #expect(first?.key == UInt32(1).bigEndianBytes)
                    #expect(first?.value == bytes("v1"))
                    #expect(second?.key == UInt32(2).bigEndianBytes)
                    #expect(third == 5)
                    #expect(back == 2)
                    #expect(last?.key == UInt32(70_000).bigEndianBytes)
                    #expect(afterLast == nil)
                    #expect(seekExisting == 256)
                    #expect(seekBetween?.key == UInt32(65_536).bigEndianBytes)
                    #expect(seekPastEnd == nil)
                    #expect(seekRaw?.key == UInt32(5).bigEndianBytes)
                }
            }
        }
    }

    @Test func cursorOnAnEmptyDatabase() throws {
        try withTemporaryEnvironment { environment in
            let database = try environment.openDatabase(named: "empty", create: true)
            try environment.withReadTransaction { transaction in
                let (first, last, visits) = try transaction.withCursor(in: database) { cursor in
                    var visits = 0
                    try cursor.forEach(from: nil) { _, _ in
                        visits += 1
                        return .continue
                    }
                    return (try cursor.first(), try cursor.last(), visits)
                }
                #expect(first == nil)
                #expect(last == nil)
                #expect(visits == 0)
            }
        }
    }

    @Test func writeTransactionCursorSeesUncommittedEntries() throws {
        try filledEnvironment { environment, database in
            let keysSeen = try environment.withWriteTransaction { transaction in
                try transaction.put(bytes("new"), forKey: UInt32(3).bigEndianBytes, in: database)
                var keysSeen: [UInt32] = []
                try transaction.forEach(in: database) { key, _ in
                    keysSeen.append(UInt32(bigEndianBytes: key))
                    return keysSeen.count == 4 ? .stop : .continue
                }
                return keysSeen
            }
            #expect(keysSeen == [1, 2, 3, 5])
        }
    }
}
