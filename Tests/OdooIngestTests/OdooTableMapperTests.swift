import StockProjection
import Testing

@testable import OdooIngest

@Suite struct OdooTableMapperTests {
    /// The same template row as Odoo 16 and Odoo 18 write it, with different column sets and orders.
    @Test func storableFollowsTypeIn16AndIsStorableIn18() throws {
        let odoo16 = try OdooTableMapper(table: .templates, columns: ["id", "name", "detailed_type", "type", "uom_id", "x_studio_note", "active"])
        let change16 = try odoo16.upsert([
            .text("7"), .text("{\"en_US\": \"Chair\"}"), .text("product"), .text("product"), .text("1"), .null, .text("t"),
        ])
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
        #expect(
            change
                == .upsertQuant(
                    Quant(
                        id: QuantID(5), variantID: VariantID(42), locationID: LocationID(8), quantity: .zero, reserved: Quantity(rawValue: 1_250_000))
                ))
        #expect(try mapper.delete([.text("5"), .null, .null, .null, .null, .null, .null, .null]) == .deleteQuant(QuantID(5)))
    }

    /// `stock_move` by name, 16 (no `location_final_id`) and 18; a move outside the open states only closes it.
    @Test func movesMapByNameAndClosedStatesOnlyClose() throws {
        let odoo16 = try OdooTableMapper(
            table: .moves,
            columns: ["id", "name", "date", "company_id", "product_id", "product_qty", "product_uom_qty", "location_id", "location_dest_id", "state"])
        let cells: [SourceCell] = [
            .text("9"), .text("WH/OUT/1"), .text("2026-12-12 10:30:00.5"), .text("1"), .text("42"), .text("3.5"), .text("3.5"), .text("8"),
            .text("5"), .text("partially_available"),
        ]
        #expect(!odoo16.isClosedMove(cells))
        let date = TimestampText.microseconds("2026-12-12 10:30:00.5")
        #expect(date == (TimestampText.daysSinceEpoch(year: 2026, month: 12, day: 12) * 86_400 + 37_800) * 1_000_000 + 500_000)
        #expect(
            try odoo16.upsert(cells)
                == .upsertMove(
                    StockMove(
                        id: MoveID(9), variantID: VariantID(42), quantity: try Quantity(parsing: "3.5"), state: .partiallyAvailable,
                        sourceID: LocationID(8),
                        destinationID: LocationID(5), date: date!, companyID: CompanyID(1))))
        for state in ["done", "cancel", "draft"] {
            var closed = cells
            closed[9] = .text(SourceText(state))
            #expect(odoo16.isClosedMove(closed))
            #expect(try odoo16.upsert(closed) == .closeMove(MoveID(9)))
            #expect(try odoo16.closedMove(closed) == .closeMove(MoveID(9)))
        }
        let odoo18 = try OdooTableMapper(
            table: .moves, columns: ["state", "location_final_id", "location_dest_id", "location_id", "product_qty", "product_id", "date", "id"])
        let change = try odoo18.upsert([
            .text("assigned"), .text("11"), .text("15"), .text("3"), .text("2"), .text("7"), .text("2027-01-01 00:00:00"), .text("4"),
        ])
        guard case .upsertMove(let move) = change else {
            Issue.record("expected a move, got \(change)")
            return
        }
        #expect(move.effectiveDestinationID == LocationID(11))
        #expect(try odoo18.delete([.null, .null, .null, .null, .null, .null, .null, .text("4")]) == .closeMove(MoveID(4)))
        #expect(
            !(try OdooTableMapper(table: .quants, columns: ["id", "product_id", "location_id", "quantity", "reserved_quantity"])).isClosedMove([]))
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
        let location = Location(
            id: LocationID(8), parentID: LocationID(7), parentPath: "1/7/8/", completeName: "WH/Stock", usage: .internal, companyID: CompanyID(1),
            active: true)
        try projection.apply([SourceTransaction(checkpoint: Checkpoint(position: 1), changes: [.upsertLocation(location)])])
        let mapper = try OdooTableMapper(
            table: .locations, columns: ["id", "name", "location_id", "parent_path", "complete_name", "usage", "company_id", "active"])
        let change = try mapper.upsert(
            [.text("8"), .text("Stock"), .text("7"), .text("1/7/8/"), .unchanged, .text("internal"), .text("1"), .text("f")],
            current: projection.snapshot()
        )
        var archived = location
        archived.active = false
        #expect(change == .upsertLocation(archived))
        #expect(throws: OdooMappingError.self) {
            try mapper.upsert(
                [.text("9"), .text("X"), .null, .text("9/"), .unchanged, .text("view"), .null, .text("t")], current: projection.snapshot())
        }
    }

    @Test func selectColumnsTakeOnlyWhatTheTableHas() {
        #expect(
            OdooTableMapper.selectColumns(for: .templates, available: ["id", "uom_id", "active", "is_storable", "type", "name"]) == [
                "id", "uom_id", "active", "type", "is_storable",
            ])
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

/// The manufacturing and attribute tables kits are built from, mapped by column name.
@Suite struct KitTableMapperTests {
    @Test func bomRowsMapByName() throws {
        let mapper = try OdooTableMapper(
            table: .boms,
            columns: [
                "consumption", "id", "sequence", "type", "product_qty", "product_id", "product_tmpl_id", "company_id", "active", "product_uom_id",
                "code",
            ]
        )
        let kit = try mapper.upsert([
            .text("warning"), .text("4"), .null, .text("phantom"), .text("2.0"), .null, .text("9"), .text("1"), .text("t"), .text("1"), .null,
        ])
        #expect(
            kit
                == .upsertBoM(
                    BillOfMaterials(
                        id: BoMID(4), templateID: TemplateID(9), variantID: nil, isKit: true, quantity: Quantity(units: 2), unitID: UnitID(1),
                        active: true, sequence: nil, companyID: CompanyID(1)
                    )
                )
        )
        let normal = try mapper.upsert([
            .text("strict"), .text("5"), .text("3"), .text("normal"), .text("1"), .text("12"), .text("9"), .null, .text("f"), .text("2"), .text("X"),
        ])
        #expect(
            normal
                == .upsertBoM(
                    BillOfMaterials(
                        id: BoMID(5), templateID: TemplateID(9), variantID: VariantID(12), isKit: false, quantity: Quantity(units: 1),
                        unitID: UnitID(2), active: false, sequence: 3, companyID: nil
                    )
                )
        )
        #expect(try mapper.delete([.null, .text("4"), .null, .null, .null, .null, .null, .null, .null, .null, .null]) == .deleteBoM(BoMID(4)))
    }

    @Test func bomLineRowsMapByNameAndSequenceDefaultsToOne() throws {
        let mapper = try OdooTableMapper(
            table: .bomLines,
            columns: ["id", "product_tmpl_id", "company_id", "product_qty", "product_uom_id", "bom_id", "product_id", "operation_id"]
        )
        let line = try mapper.upsert([.text("7"), .text("3"), .null, .text("0.5"), .text("2"), .text("4"), .text("30"), .null])
        #expect(
            line
                == .upsertBoMLine(
                    BoMLine(
                        id: BoMLineID(7), bomID: BoMID(4), componentID: VariantID(30), quantity: Quantity(rawValue: 500_000), unitID: UnitID(2),
                        sequence: 1)
                )
        )
        #expect(try mapper.delete([.text("7"), .null, .null, .null, .null, .null, .null, .null]) == .deleteBoMLine(BoMLineID(7)))
        #expect(throws: OdooMappingError.self) { try OdooTableMapper(table: .bomLines, columns: ["id", "bom_id", "product_qty"]) }
    }

    @Test func attributeValuesMapIdAndAttribute() throws {
        let mapper = try OdooTableMapper(
            table: .attributeValues,
            columns: ["id", "ptav_active", "product_attribute_value_id", "attribute_line_id", "price_extra", "product_tmpl_id", "attribute_id"]
        )
        let value = try mapper.upsert([.text("11"), .text("t"), .text("2"), .text("5"), .text("0"), .text("9"), .text("1")])
        #expect(value == .upsertAttributeValue(TemplateAttributeValue(id: AttributeValueID(11), attributeID: AttributeID(1))))
        #expect(try mapper.delete([.text("11"), .null, .null, .null, .null, .null, .null]) == .deleteAttributeValue(AttributeValueID(11)))
    }

    /// Link tables have a two-column primary key: an insert links, a delete unlinks (the old key carries both
    /// columns), and an update that changes the key is the old pair's delete plus the new pair's insert.
    @Test func linkTablesMapTheirTwoColumnKeys() throws {
        let lineValues = try OdooTableMapper(table: .bomLineValues, columns: ["product_template_attribute_value_id", "mrp_bom_line_id"])
        #expect(
            try lineValues.upsert([.text("11"), .text("7")])
                == .linkBoMLineValue(BoMLineValueLink(ownerID: BoMLineID(7), valueID: AttributeValueID(11))))
        #expect(
            try lineValues.delete([.text("11"), .text("7")])
                == .unlinkBoMLineValue(BoMLineValueLink(ownerID: BoMLineID(7), valueID: AttributeValueID(11))))
        // UPDATE ... SET product_template_attribute_value_id = 12: old key (11, 7), new row (12, 7).
        #expect(
            try lineValues.delete([.text("11"), .text("7")])
                == .unlinkBoMLineValue(BoMLineValueLink(ownerID: BoMLineID(7), valueID: AttributeValueID(11))))
        #expect(
            try lineValues.upsert([.text("12"), .text("7")])
                == .linkBoMLineValue(BoMLineValueLink(ownerID: BoMLineID(7), valueID: AttributeValueID(12))))
        #expect(throws: OdooMappingError.self) { try lineValues.delete([.null, .text("7")]) }

        let variantValues = try OdooTableMapper(table: .variantValues, columns: ["product_product_id", "product_template_attribute_value_id"])
        #expect(
            try variantValues.upsert([.text("30"), .text("11")])
                == .linkVariantValue(VariantValueLink(ownerID: VariantID(30), valueID: AttributeValueID(11))))
        #expect(
            try variantValues.delete([.text("30"), .text("11")])
                == .unlinkVariantValue(VariantValueLink(ownerID: VariantID(30), valueID: AttributeValueID(11))))
        #expect(throws: OdooMappingError.self) { try variantValues.upsert([.text("30"), .text("x")]) }
        #expect(throws: OdooMappingError.self) { try OdooTableMapper(table: .variantValues, columns: ["product_product_id"]) }
    }
}
