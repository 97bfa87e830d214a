import Foundation
import LMDB
import TestSupport
import Testing

@Suite struct LMDBErrorTests {
    private static let lmdbCodes: [LMDBError.Code] = [
        .keyExists, .notFound, .pageNotFound, .corrupted, .panic, .versionMismatch, .invalid,
        .mapFull, .dbsFull, .readersFull, .tlsFull, .txnFull, .cursorFull, .pageFull,
        .mapResized, .incompatible, .badReaderSlot, .badTransaction, .badValueSize, .badDBI,
    ]

    @Test func codesHaveDistinctValuesAndMessages() {
        #expect(LMDBError.Code.notFound.rawValue == -30_798)
        #expect(LMDBError.Code.mapFull.rawValue == -30_792)
        #expect(!LMDBError.Code.notFound.description.isEmpty)
        #expect(LMDBError.Code.notFound.description.contains("MDB_NOTFOUND"))
        #expect(Set(Self.lmdbCodes).count == Self.lmdbCodes.count)
        for code in Self.lmdbCodes {
            #expect(code.rawValue < 0)
            #expect(code.description.hasPrefix("MDB_"), "\(code.rawValue): \(code.description)")
        }
        #expect(LMDBError.Code.noSuchFileOrDirectory.description == "No such file or directory")
        #expect(LMDBError.Code(rawValue: EACCES) == .permissionDenied)
        let error = LMDBError(code: .mapFull, operation: "mdb_put")
        #expect(error.description.contains("mdb_put"))
        #expect(error.description.contains("MDB_MAP_FULL"))
    }

    @Test func openingAnEnvironmentInARegularFileFails() throws {
        try withTemporaryDirectory(prefix: "LMDBTests") { directory in
            let filePath = directory + "/plain-file"
            #expect(FileManager.default.createFile(atPath: filePath, contents: Data("not a directory".utf8)))
            let error = try #require(throws: LMDBError.self) {
                _ = try LMDBEnvironment(path: filePath, maxDatabases: 1, mapSize: 1 << 20)
            }
            #expect(error.code == .notADirectory)
            #expect(error.operation == "mdb_env_open")
            #expect(error.description.contains("mdb_env_open"))
            #expect(error.description.contains("Not a directory"))

            let below = try #require(throws: LMDBError.self) {
                _ = try LMDBEnvironment(path: filePath + "/below", maxDatabases: 1, mapSize: 1 << 20)
            }
            #expect(below.code == .notADirectory)
        }
    }

    @Test func operationErrorsAreMapped() throws {
        try withTemporaryEnvironment { environment in
            let database = try environment.openDatabase(named: "values", create: true)
            try environment.withWriteTransaction { try $0.put(bytes("v"), forKey: bytes("k"), in: database) }

            let keyExists = try #require(throws: LMDBError.self) {
                try environment.withWriteTransaction { transaction in
                    try transaction.put(bytes("other"), forKey: bytes("k"), in: database, flags: .noOverwrite)
                }
            }
            #expect(keyExists.code == .keyExists)
            #expect(keyExists.operation == "mdb_put")

            let outOfOrder = try #require(throws: LMDBError.self) {
                try environment.withWriteTransaction { transaction in
                    try transaction.put(bytes("other"), forKey: bytes("a"), in: database, flags: .append)
                }
            }
            #expect(outOfOrder.code == .keyExists)

            let emptyKey = try #require(throws: LMDBError.self) {
                try environment.withWriteTransaction { transaction in
                    try transaction.put(bytes("v"), forKey: [], in: database)
                }
            }
            #expect(emptyKey.code == .badValueSize)

            let tooLong = try #require(throws: LMDBError.self) {
                try environment.withWriteTransaction { transaction in
                    try transaction.put(bytes("v"), forKey: [UInt8](repeating: 1, count: environment.maxKeySize + 1), in: database)
                }
            }
            #expect(tooLong.code == .badValueSize)

            let missingDatabase = try #require(throws: LMDBError.self) {
                _ = try environment.openDatabase(named: "missing")
            }
            #expect(missingDatabase.code == .notFound)
            #expect(missingDatabase.operation == "mdb_dbi_open")

            let value = try environment.withReadTransaction { try $0.get(bytes("k"), in: database) }
            #expect(value == bytes("v"))
        }
    }

    @Test func tooManyNamedDatabases() throws {
        try withTemporaryDirectory(prefix: "LMDBTests") { directory in
            let environment = try LMDBEnvironment(path: directory, maxDatabases: 1, mapSize: 1 << 20)
            _ = try environment.openDatabase(named: "first", create: true)
            let error = try #require(throws: LMDBError.self) {
                _ = try environment.openDatabase(named: "second", create: true)
            }
            #expect(error.code == .dbsFull)
        }
    }
}
