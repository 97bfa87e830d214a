import PostgresReplicationWire
import Testing

@Suite struct RelationCacheTests {
    func relation(_ id: UInt32, _ name: String, _ columns: [String]) -> Relation {
        Relation(
            id: id,
            namespace: "public",
            name: name,
            replicaIdentity: .default,
            columns: columns.enumerated().map {
                .init(flags: $0.offset == 0 ? 1 : 0, name: $0.element, typeOID: 25, typeModifier: -1)
            }
        )
    }

    @Test func remembersByOIDAndMapsNames() {
        var cache = RelationCache()
        #expect(cache.isEmpty)
        cache.remember(relation(10, "stock_quant", ["id", "product_id", "location_id", "quantity"]))
        cache.remember(relation(11, "stock_location", ["id", "parent_path"]))
        #expect(cache.count == 2)
        #expect(cache[10]?.name == "stock_quant")
        #expect(cache.columnIndex(named: "quantity", inRelation: 10) == 3)
        #expect(cache.columnIndex(named: "parent_path", inRelation: 11) == 1)
        #expect(cache.columnIndex(named: "quantity", inRelation: 11) == nil)
        #expect(cache.columnIndex(named: "id", inRelation: 99) == nil)
        #expect(cache[99] == nil)
    }

    @Test func aLaterRelationReplacesTheColumns() {
        var cache = RelationCache()
        cache.remember(relation(10, "stock_quant", ["id", "quantity", "lot_id"]))
        let row: TupleData = [.string("7"), .string("3.5"), .null]
        #expect(cache.cell(named: "quantity", in: row, relationID: 10)?.stringValue == "3.5")

        // A column was added before `quantity`: the name now sits elsewhere, and the old position is another column.
        cache.remember(relation(10, "stock_quant", ["id", "company_id", "quantity"]))
        let newRow: TupleData = [.string("7"), .string("1"), .string("4.5")]
        #expect(cache.count == 1)
        #expect(cache.columnIndex(named: "quantity", inRelation: 10) == 2)
        #expect(cache.columnIndex(named: "lot_id", inRelation: 10) == nil)
        #expect(cache.cell(named: "quantity", in: newRow, relationID: 10)?.stringValue == "4.5")
        // A tuple shorter than the relation yields nil, not a trap.
        #expect(cache.cell(named: "quantity", in: [.string("7")], relationID: 10) == nil)
    }

    @Test func observeTakesOnlyRelations() {
        var cache = RelationCache()
        let tookBegin = cache.observe(.begin(Begin(finalLSN: LSN(1), commitTime: .postgresEpoch, transactionID: 1)))
        let tookRelation = cache.observe(.relation(relation(5, "t", ["a"])))
        #expect(!tookBegin)
        #expect(tookRelation)
        #expect(cache.count == 1)
        cache.forget(5)
        #expect(cache.isEmpty)
        cache.observe(.relation(relation(5, "t", ["a"])))
        cache.observe(.relation(relation(6, "u", ["a"])))
        cache.removeAll()
        #expect(cache.isEmpty)
    }

    @Test func duplicateNamesMapToTheFirstColumn() {
        var cache = RelationCache()
        cache.remember(relation(1, "t", ["a", "a"]))
        #expect(cache.columnIndex(named: "a", inRelation: 1) == 0)
        #expect(cache[1]?.columnIndex(named: "a") == 0)
    }
}
