import StockProjection
import Testing

@testable import OdooIngest

@Suite struct OdooTableMapperTests {
    /// The same template row as Odoo 16 and Odoo 18 write it, with different column sets and orders.
    @Test func storableFollowsTypeIn16AndIsStorableIn18() throws {
        let odoo16 = try OdooTableMapper(table: .templates, columns: ["id", "name", "detailed_type", "type", "uom_id", "x_studio_note", "active"])
        let change16 = try odoo16.upsert([.text("7"), .text("{\"en_US\": \"Chair\"}"), .text("product"), .text("product"), .text("1"), .null, .text("t")])
        #expect(change16 == .upsertTemplate(ProductTemplate(id: TemplateID(7), storable: true, unitID: UnitID(1), active: true)))
        let consumable16 = try odoo16.upsert([.text("8"), .null, .text("consu"), .text("consu"), .text("1"), .null, .text("t")])
        #expect(consumable16 == .upsertTemplate(ProductTemplate(id: TemplateID(8), storable: false, unitID: UnitID(1), active: true)))

        let odoo18 = try OdooTableMapper(table: .templates, columns: ["active", "uom_id", "is_storable", "type", "id"])
        let change18 = try odoo18.upsert([.text("f"), .text("3"), .text("t"), .text("consu"), .text("7")])
        #expect(change18 == .upsertTemplate(ProductTemplate(id: TemplateID(7), storable: true, unitID: UnitID(3), active: false)))
    }

    @Test func quantsMapByNameAndNullQuantityIsZero() throws {
        let mapper = try OdooTableMapper(
            table: .quants,
            columns: ["id", "lot_id", "reserved_quantity", "location_id", "x_custom", "quantity", "product_id", "in_date"]
        )
        let change = try mapper.upsert([.text("5"), .null, .text("1.25"), .text("8"), .text("whatever"), .null, .text("42"), .text("2026-01-01")])
        #expect(change == .upsertQuant(Quant(id: QuantID(5), variantID: VariantID(42), locationID: LocationID(8), quantity: .zero, reserved: Quantity(rawValue: 1_250_000))))
        #expect(try mapper.delete([.text("5"), .null, .null, .null, .null, .null, .null, .null]) == .deleteQuant(QuantID(5)))
    }

    @Test func missingColumnsAndBadValuesAreErrorsNotCrashes() throws {
        #expect(throws: OdooMappingError.self) { try OdooTableMapper(table: .quants, columns: ["id", "product_id", "location_id"]) }
        #expect(throws: OdooMappingError.self) { try OdooTableMapper(table: .templates, columns: ["id", "uom_id", "active"]) }
        let mapper = try OdooTableMapper(table: .quants, columns: ["id", "product_id", "location_id", "quantity", "reserved_quantity"])
        #expect(throws: OdooMappingError.self) { try mapper.upsert([.text("1"), .text("2"), .text("3"), .text("NaN"), .text("0")]) }
        #expect(throws: OdooMappingError.self) { try mapper.upsert([.text("1"), .text("x"), .text("3"), .text("1"), .text("0")]) }
        #expect(throws: OdooMappingError.self) { try mapper.upsert([.text("1"), .text("2")]) }
        #expect(throws: OdooMappingError.self) { try mapper.upsert([.text("1"), .text("2"), .text("3"), .text("0.0000001"), .text("0")]) }
        #expect(throws: OdooMappingError.self) { try mapper.delete([.null, .null, .null, .null, .null]) }
    }

    @Test func unchangedToastKeepsThePreviousValue() throws {
        let projection = StockProjection()
        let location = Location(id: LocationID(8), parentID: LocationID(7), parentPath: "1/7/8/", completeName: "WH/Stock", usage: .internal, companyID: CompanyID(1), active: true)
        try projection.apply([SourceTransaction(checkpoint: Checkpoint(position: 1), changes: [.upsertLocation(location)])])
        let mapper = try OdooTableMapper(table: .locations, columns: ["id", "name", "location_id", "parent_path", "complete_name", "usage", "company_id", "active"])
        let change = try mapper.upsert(
            [.text("8"), .text("Stock"), .text("7"), .text("1/7/8/"), .unchanged, .text("internal"), .text("1"), .text("f")],
            current: projection.snapshot()
        )
        var archived = location
        archived.active = false
        #expect(change == .upsertLocation(archived))
        #expect(throws: OdooMappingError.self) {
            try mapper.upsert([.text("9"), .text("X"), .null, .text("9/"), .unchanged, .text("view"), .null, .text("t")], current: projection.snapshot())
        }
    }

    @Test func selectColumnsTakeOnlyWhatTheTableHas() {
        #expect(OdooTableMapper.selectColumns(for: .templates, available: ["id", "uom_id", "active", "is_storable", "type", "name"]) == ["id", "uom_id", "active", "type", "is_storable"])
        #expect(OdooTableMapper.selectColumns(for: .warehouses, available: []).contains("lot_stock_id"))
    }
}

@Suite struct CopyTextRowTests {
    static func cells(_ text: String) -> [SourceCell] {
        Array(text.utf8).withUnsafeBytes { CopyTextRow.cells($0) }
    }

    @Test func splitsTabsAndReadsNull() {
        #expect(Self.cells("1\t\\N\t12.5\n") == [.text("1"), .null, .text("12.5")])
        #expect(Self.cells("\t") == [.text(""), .text("")])
        #expect(Self.cells("\\N") == [.null])
    }

    @Test func unescapesBackslashSequences() {
        #expect(Self.cells("a\\tb\tc\\\\d\te\\nf\t\\101\\x42") == [.text("a\tb"), .text("c\\d"), .text("e\nf"), .text("AB")])
        #expect(Self.cells("WH/Stock/Shelf \\\\N") == [.text("WH/Stock/Shelf \\N")])
        #expect(Self.cells("Caf\u{e9}") == [.text("Café")])
    }
}
