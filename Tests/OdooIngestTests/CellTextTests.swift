import OdooIngest
import StockProjection
import Testing

@Suite struct CellTextTests {
    @Test(arguments: [
        ("0", Int32(0)), ("7", 7), ("-7", -7), ("+12", 12), ("2147483647", .max), ("-2147483648", .min), ("000123", 123),
    ])
    func parsesInt4Text(text: String, value: Int32) {
        #expect(CellText.int32(Array(text.utf8)) == value)
        #expect(CellText.int32(text.utf8) == value)
    }

    @Test(arguments: ["", "-", "+", "2147483648", "-2147483649", "1.0", "1e3", " 1", "1 ", "x", "99999999999999999999"])
    func refusesOtherText(text: String) {
        #expect(CellText.int32(Array(text.utf8)) == nil)
    }

    @Test func parsesBooleans() {
        #expect(CellText.bool(Array("t".utf8)) == true)
        #expect(CellText.bool(Array("f".utf8)) == false)
        #expect(CellText.bool(Array("true".utf8)) == true)
        #expect(CellText.bool(Array("false".utf8)) == false)
        for other in ["", "T", "yes", "1", "tru", "falsy"] { #expect(CellText.bool(Array(other.utf8)) == nil) }
    }

    @Test func comparesWords() {
        #expect(CellText.equals(Array("phantom".utf8), "phantom"))
        #expect(!CellText.equals(Array("phantomx".utf8), "phantom"))
        #expect(!CellText.equals(Array("normal".utf8), "phantom"))
    }
}

/// Cells as the decoders make them: slices in the middle of one row buffer, never a String per cell.
@Suite struct ByteCellMappingTests {
    /// Builds cells that are slices of one shared buffer (so their indices do not start at 0).
    static func sliced(_ values: [String?]) -> [SourceCell] {
        var buffer: [UInt8] = Array("prefix".utf8)
        var ranges: [Range<Int>?] = []
        for value in values {
            guard let value else {
                ranges.append(nil)
                continue
            }
            let start = buffer.count
            buffer += Array(value.utf8)
            ranges.append(start..<buffer.count)
            buffer += [0xFF]  // a byte that is no part of any cell
        }
        return ranges.map { range in range.map { .text(SourceText(buffer[$0])) } ?? .null }
    }

    static let quantColumns = ["id", "product_id", "location_id", "quantity", "reserved_quantity"]

    /// Every shape PostgreSQL prints a `numeric` in (Odoo's quantity columns are all `numeric`, whose text output
    /// never uses an exponent), read exactly.
    @Test(arguments: [
        ("0", Int64(0)), ("12.500", 12_500_000), ("-3", -3_000_000), ("-0.000001", -1), ("3.000000000", 3_000_000), ("+7.25", 7_250_000),
        ("9223372036854.775807", Int64.max), ("-9223372036854.775807", -Int64.max), (".5", 500_000), ("5.", 5_000_000),
    ])
    func quantitiesParseExactlyFromSlices(text: String, raw: Int64) throws {
        let mapper = try OdooTableMapper(table: .quants, columns: Self.quantColumns)
        let change = try mapper.upsert(Self.sliced(["-5", "2147483647", "8", text, nil]))
        #expect(
            change
                == .upsertQuant(
                    Quant(id: QuantID(-5), variantID: VariantID(.max), locationID: LocationID(8), quantity: Quantity(rawValue: raw), reserved: .zero))
        )
    }

    @Test(arguments: ["NaN", "Infinity", "1e3", "1.0000001", "9223372036855", "", "1,5", "--1"])
    func malformedQuantitiesAreRefused(text: String) throws {
        let mapper = try OdooTableMapper(table: .quants, columns: Self.quantColumns)
        #expect(throws: OdooMappingError.self) { try mapper.upsert(Self.sliced(["1", "2", "8", text, "0"])) }
    }

    @Test func idsBooleansStatesAndDatesParseFromSlices() throws {
        let moves = try OdooTableMapper(
            table: .moves, columns: ["id", "product_id", "product_qty", "state", "location_id", "location_dest_id", "date"])
        let open = try moves.upsert(Self.sliced(["9", "42", "2.5", "waiting", "8", "5", "2026-12-12 10:30:00.000001"]))
        #expect(
            open
                == .upsertMove(
                    StockMove(
                        id: MoveID(9), variantID: VariantID(42), quantity: Quantity(rawValue: 2_500_000), state: .waiting, sourceID: LocationID(8),
                        destinationID: LocationID(5), date: TimestampText.microseconds("2026-12-12 10:30:00.000001")!)))
        for state in StockMove.State.allCases {
            #expect(StockMove.State(utf8: Array(state.rawValue.utf8)) == state)
            let change = try moves.upsert(Self.sliced(["9", "42", "2.5", state.rawValue, "8", "5", "2026-12-12 10:30:00"]))
            if state.isOpen { #expect(change != .closeMove(MoveID(9))) } else { #expect(change == .closeMove(MoveID(9))) }
        }
        // A state no Odoo version writes only closes; a NULL state too; a date that is not a timestamp is refused.
        #expect(try moves.upsert(Self.sliced(["9", "42", "2.5", "waitin", "8", "5", "2026-12-12 10:30:00"])) == .closeMove(MoveID(9)))
        #expect(try moves.upsert(Self.sliced(["9", "42", "2.5", nil, "8", "5", "2026-12-12 10:30:00"])) == .closeMove(MoveID(9)))
        #expect(throws: OdooMappingError.self) { try moves.upsert(Self.sliced(["9", "42", "2.5", "assigned", "8", "5", "12/12/2026"])) }
        #expect(throws: OdooMappingError.self) { try moves.upsert(Self.sliced(["9", "42", "2.5", "assigned", "8", "5", nil])) }
        #expect(throws: OdooMappingError.self) { try moves.upsert(Self.sliced(["9x", "42", "2.5", "assigned", "8", "5", "2026-12-12 10:30:00"])) }

        let variants = try OdooTableMapper(table: .variants, columns: ["id", "product_tmpl_id", "default_code", "barcode", "active"])
        #expect(
            try variants.upsert(Self.sliced(["3", "4", "SKU-3", nil, "f"]))
                == .upsertVariant(ProductVariant(id: VariantID(3), templateID: TemplateID(4), sku: "SKU-3", barcode: nil, active: false)))
        #expect(throws: OdooMappingError.self) { try variants.upsert(Self.sliced(["3", "4", "SKU-3", nil, "yes"])) }
        // An unchanged TOAST id is refused (an integer is never TOASTed); an unchanged SKU keeps nothing without a snapshot.
        #expect(throws: OdooMappingError.self) { try variants.upsert([.unchanged, .text("4"), .text("S"), .null, .text("t")]) }
        #expect(throws: OdooMappingError.self) { try variants.upsert([.text("3"), .text("4"), .unchanged, .null, .text("t")]) }

        let templates = try OdooTableMapper(table: .templates, columns: ["id", "uom_id", "active", "type"])
        #expect(
            try templates.upsert(Self.sliced(["1", "2", "t", "product"]))
                == .upsertTemplate(ProductTemplate(id: TemplateID(1), storable: true, unitID: UnitID(2), active: true)))
        #expect(
            try templates.upsert(Self.sliced(["1", "2", "t", "productx"]))
                == .upsertTemplate(ProductTemplate(id: TemplateID(1), storable: false, unitID: UnitID(2), active: true)))
    }
}
