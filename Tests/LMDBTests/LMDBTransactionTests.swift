import LMDB
import TestSupport
import Testing

@Suite struct LMDBTransactionTests {
    @Test func putGetDeleteRoundTrip() throws {
        try withTemporaryEnvironment { environment in
            let database = try environment.openDatabase(named: "rows", create: true)
            try environment.withWriteTransaction { transaction in
                try transaction.put(bytes("one"), forKey: bytes("k1"), in: database)
                try transaction.put(bytes("two"), forKey: bytes("k2"), in: database)
                let own = try transaction.get(bytes("k1"), in: database)
                #expect(own == bytes("one"))
            }
            try environment.withReadTransaction { transaction in
                let first = try transaction.get(bytes("k1"), in: database)
                let missing = try transaction.get(bytes("nope"), in: database)
                let length = try transaction.withValue(forKey: bytes("k2"), in: database) { $0.count }
                let count = try transaction.count(in: database)
                #expect(first == bytes("one"))
                #expect(missing == nil)
                #expect(length == 3)
                #expect(count == 2)
            }
            let deletions = try environment.withWriteTransaction { transaction in
                [try transaction.delete(bytes("k1"), in: database), try transaction.delete(bytes("k1"), in: database)]
            }
            #expect(deletions == [true, false])
            let afterDelete = try environment.withReadTransaction { try $0.get(bytes("k1"), in: database) }
            #expect(afterDelete == nil)
        }
    }

    @Test func rawBufferOverloadsAndReplacement() throws {
        try withTemporaryEnvironment { environment in
            let database = try environment.openDatabase(named: nil)
            var row = [UInt8](repeating: 0, count: 16)
            try environment.withWriteTransaction { transaction in
                for index in 0..<10 as Range<UInt32> {
                    row[0] = UInt8(index)
                    try row.withUnsafeBytes { value in
                        try index.bigEndianBytes.withUnsafeBytes { key in
                            try transaction.put(value, forKey: key, in: database)
                        }
                    }
                }
                try transaction.put(bytes("replaced"), forKey: UInt32(3).bigEndianBytes, in: database)
            }
            let (third, fifth) = try environment.withReadTransaction { transaction in
                let third = try UInt32(3).bigEndianBytes.withUnsafeBytes { try transaction.get($0, in: database) }
                let fifth = try transaction.get(UInt32(5).bigEndianBytes, in: database)
                return (third, fifth)
            }
            #expect(third == bytes("replaced"))
            #expect(fifth?.first == 5)
            #expect(fifth?.count == 16)
        }
    }

    @Test func namedDatabasesAreIndependent() throws {
        try withTemporaryEnvironment { environment in
            let (products, locations) = try environment.withWriteTransaction { transaction in
                let products = try transaction.openDatabase(named: "products", create: true)
                let locations = try transaction.openDatabase(named: "locations", create: true)
                try transaction.put(bytes("product"), forKey: bytes("same-key"), in: products)
                try transaction.put(bytes("location"), forKey: bytes("same-key"), in: locations)
                try transaction.put(bytes("only-in-products"), forKey: bytes("other"), in: products)
                return (products, locations)
            }
            #expect(products != locations)
            try environment.withReadTransaction { transaction in
                let product = try transaction.get(bytes("same-key"), in: products)
                let location = try transaction.get(bytes("same-key"), in: locations)
                let other = try transaction.get(bytes("other"), in: locations)
                let productCount = try transaction.count(in: products)
                let locationCount = try transaction.count(in: locations)
                #expect(product == bytes("product"))
                #expect(location == bytes("location"))
                #expect(other == nil)
                #expect(productCount == 2)
                #expect(locationCount == 1)
            }

            try environment.withWriteTransaction { try $0.drop(products) }
            let counts = try environment.withReadTransaction { transaction in
                [try transaction.count(in: products), try transaction.count(in: locations)]
            }
            #expect(counts == [0, 1])
            // Dropping without deleting keeps the database usable.
            try environment.withWriteTransaction { try $0.put(bytes("back"), forKey: bytes("k"), in: products) }
            let reopened = try environment.openDatabase(named: "products")
            let back = try environment.withReadTransaction { try $0.get(bytes("k"), in: reopened) }
            #expect(back == bytes("back"))
        }
    }

    @Test func uncommittedWritesAreInvisibleToAnEarlierReadTransaction() throws {
        try withTemporaryEnvironment { environment in
            let database = try environment.openDatabase(named: "values", create: true)
            try environment.withWriteTransaction { try $0.put(bytes("old"), forKey: bytes("key"), in: database) }

            let snapshot = try environment.beginReadTransaction()
            try environment.withWriteTransaction { transaction in
                try transaction.put(bytes("new"), forKey: bytes("key"), in: database)
                try transaction.put(bytes("added"), forKey: bytes("added"), in: database)
                // Mid-transaction: the snapshot still sees the old state.
                let seenDuringWrite = try snapshot.get(bytes("key"), in: database)
                #expect(seenDuringWrite == bytes("old"))
            }
            let seenAfterCommit = try snapshot.get(bytes("key"), in: database)
            let addedInSnapshot = try snapshot.get(bytes("added"), in: database)
            #expect(seenAfterCommit == bytes("old"))
            #expect(addedInSnapshot == nil)
            snapshot.end()

            let fresh = try environment.withReadTransaction { try $0.get(bytes("key"), in: database) }
            #expect(fresh == bytes("new"))
        }
    }

    @Test func throwingFromTheBodyAbortsTheTransaction() throws {
        struct Rollback: Error {}
        try withTemporaryEnvironment { environment in
            let database = try environment.openDatabase(named: "values", create: true)
            try environment.withWriteTransaction { try $0.put(bytes("kept"), forKey: bytes("a"), in: database) }
            #expect(throws: Rollback.self) {
                try environment.withWriteTransaction { transaction in
                    try transaction.put(bytes("discarded"), forKey: bytes("a"), in: database)
                    try transaction.put(bytes("discarded"), forKey: bytes("b"), in: database)
                    throw Rollback()
                }
            }
            let (a, b) = try environment.withReadTransaction { transaction in
                (try transaction.get(bytes("a"), in: database), try transaction.get(bytes("b"), in: database))
            }
            #expect(a == bytes("kept"))
            #expect(b == nil)
        }
    }

    @Test func valuesSurviveCloseAndReopen() throws {
        try withTemporaryDirectory(prefix: "LMDBTests") { directory in
            let path = directory + "/nested/env"
            do {
                let environment = try LMDBEnvironment(path: path, maxDatabases: 4, mapSize: 1 << 20)
                let database = try environment.openDatabase(named: "durable", create: true)
                try environment.withWriteTransaction { transaction in
                    for index in 0..<100 as Range<UInt32> {
                        try transaction.put(bytes("value \(index)"), forKey: index.bigEndianBytes, in: database)
                    }
                }
            }
            let environment = try LMDBEnvironment(path: path, maxDatabases: 4, mapSize: 1 << 20)
            let database = try environment.openDatabase(named: "durable")
            let (count, value) = try environment.withReadTransaction { transaction in
                (try transaction.count(in: database), try transaction.get(UInt32(42).bigEndianBytes, in: database))
            }
            #expect(count == 100)
            #expect(value == bytes("value 42"))
            #expect(environment.path == path)
            #expect(try environment.dataFileSize > 0)
            #expect(environment.info.lastTransactionID >= 2)
            #expect(environment.statistics.pageSize > 0)
        }
    }

    @Test func copyProducesAReadableEnvironment() throws {
        try withTemporaryDirectory(prefix: "LMDBTests") { directory in
            let environment = try LMDBEnvironment(path: directory + "/source", maxDatabases: 2, mapSize: 1 << 20, flags: [.noSync])
            let database = try environment.openDatabase(named: "copied", create: true)
            try environment.withWriteTransaction { try $0.put(bytes("v"), forKey: bytes("k"), in: database) }
            try environment.sync()
            try environment.copy(to: directory + "/copy", compacting: true)

            let copy = try LMDBEnvironment(path: directory + "/copy", maxDatabases: 2, mapSize: 1 << 20)
            let copiedDatabase = try copy.openDatabase(named: "copied")
            let value = try copy.withReadTransaction { try $0.get(bytes("k"), in: copiedDatabase) }
            #expect(value == bytes("v"))
        }
    }
}
