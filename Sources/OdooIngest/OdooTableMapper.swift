public import StockProjection

/// Turns rows of one Odoo table into ``StockChange`` values, reading columns by name so that Odoo 16, 17 and 18
/// (and custom columns added by modules or Studio) all map the same way.
///
/// Build one per relation (per pgoutput Relation message, or per `COPY` column list) and reuse it for every row.
public struct OdooTableMapper: Sendable {
    /// The table this mapper reads.
    public let table: SourceTable
    private let index: [String: Int]
    /// The number of columns of the relation.
    public let columnCount: Int
    /// The position of the `id` column, if the table has one.
    public let idColumn: Int?
    /// For `stock_move`, the position of the `state` column (`nil` for other tables): what the decode-time move
    /// filter reads.
    public let moveStateColumn: Int?

    /// The columns stockd reads from a table (those a table lacks in some Odoo version are optional).
    ///
    /// - Parameters:
    ///   - table: The table.
    /// - Returns: The columns a relation must have, and those read when present.
    public static func columns(for table: SourceTable) -> (required: [String], optional: [String]) {
        switch table {
        case .quants: (["id", "product_id", "location_id", "quantity", "reserved_quantity"], [])
        case .locations: (["id", "location_id", "parent_path", "complete_name", "usage", "company_id", "active"], ["name"])
        case .warehouses: (["id", "code", "name", "view_location_id", "lot_stock_id", "company_id", "active"], ["wh_qc_stock_loc_id"])
        case .variants: (["id", "product_tmpl_id", "default_code", "barcode", "active"], [])
        // Odoo 16/17: storable means type = 'product' (detailed_type also exists); 18+: is_storable.
        case .templates: (["id", "uom_id", "active"], ["type", "detailed_type", "is_storable"])
        case .units: (["id", "category_id", "factor", "rounding", "active"], [])
        // mrp (kits): optional module, mapped when its tables exist.
        case .boms: (["id", "product_tmpl_id", "product_id", "type", "product_qty", "product_uom_id", "active", "sequence", "company_id"], [])
        case .bomLines: (["id", "bom_id", "product_id", "product_qty", "product_uom_id"], ["sequence"])
        case .attributeValues: (["id", "attribute_id"], [])
        case .bomLineValues: (["mrp_bom_line_id", "product_template_attribute_value_id"], [])
        case .variantValues: (["product_product_id", "product_template_attribute_value_id"], [])
        // 18+: location_final_id; restrict_partner_id is the owner.
        case .moves:
            (
                ["id", "product_id", "product_qty", "state", "location_id", "location_dest_id", "date"],
                ["location_final_id", "company_id", "restrict_partner_id"]
            )
        }
    }

    /// The columns a `DELETE` of a table must carry for ``delete(_:)`` to know the row: `id`, or both ids of a
    /// many-to-many row. The table's replica identity must include them.
    public static func keyColumns(of table: SourceTable) -> [String] {
        switch table {
        case .quants, .locations, .warehouses, .variants, .templates, .units, .boms, .bomLines, .attributeValues, .moves: ["id"]
        case .bomLineValues: ["mrp_bom_line_id", "product_template_attribute_value_id"]
        case .variantValues: ["product_product_id", "product_template_attribute_value_id"]
        }
    }

    /// Prepares a mapper for a relation.
    ///
    /// - Parameters:
    ///   - table: The table.
    ///   - columns: The relation's column names, in the order cells will come.
    /// - Throws: ``OdooMappingError`` when a column stockd needs is missing.
    public init(table: SourceTable, columns: [String]) throws(OdooMappingError) {
        self.table = table
        var index: [String: Int] = [:]
        for (position, name) in columns.enumerated() where index[name] == nil { index[name] = position }
        let (required, _) = Self.columns(for: table)
        let missing = required.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw OdooMappingError(table: table.rawValue, reason: "missing column(s) \(missing.joined(separator: ", "))")
        }
        if table == .templates && index["is_storable"] == nil && index["type"] == nil {
            throw OdooMappingError(table: table.rawValue, reason: "neither is_storable (Odoo 18+) nor type (Odoo 16/17) is present")
        }
        self.index = index
        self.columnCount = columns.count
        self.idColumn = index["id"]
        self.moveStateColumn = table == .moves ? index["state"] : nil
    }

    /// The column list to select for a table, given the columns it has (for the initial `COPY`).
    public static func selectColumns(for table: SourceTable, available: Set<String>) -> [String] {
        let (required, optional) = columns(for: table)
        return required + optional.filter { available.contains($0) }
    }

    /// Whether a row of `stock_move` is outside the open states (`waiting`, `confirmed`, `assigned`,
    /// `partially_available`), read from its `state` cell alone: such an insert is dropped, and such an update only
    /// closes the move (see ``closedMove(_:)``). `false` for other tables.
    public func isClosedMove(_ cells: [SourceCell]) -> Bool {
        guard table == .moves, let position = index["state"], position < cells.count else { return false }
        switch cells[position] {
        case .null: return true
        case .unchanged: return false
        case .text(let text): return !StockMove.State.isOpen(utf8: text.bytes)
        }
    }

    /// The change for a `stock_move` row outside the open states: close it by id (no other column is read).
    ///
    /// - Throws: ``OdooMappingError`` when the id is missing.
    public func closedMove(_ cells: [SourceCell]) throws(OdooMappingError) -> StockChange {
        var row = Row(mapper: self, cells: cells)
        return .closeMove(MoveID(try row.int("id")))
    }

    /// The change an inserted or updated row means.
    ///
    /// - Parameters:
    ///   - cells: The new row's cells, in relation order.
    ///   - current: The projection's current snapshot, for values pgoutput left out as unchanged TOAST.
    /// - Throws: ``OdooMappingError`` for a value that does not parse.
    public func upsert(_ cells: [SourceCell], current: ProjectionSnapshot? = nil) throws(OdooMappingError) -> StockChange {
        var row = Row(mapper: self, cells: cells)
        guard cells.count == columnCount else { throw row.error("row has \(cells.count) cells, relation has \(columnCount) columns") }
        switch table {
        case .quants:
            return .upsertQuant(
                Quant(
                    id: QuantID(try row.int("id")),
                    variantID: VariantID(try row.int("product_id")),
                    locationID: LocationID(try row.int("location_id")),
                    // quantity is nullable in Odoo; NULL counts as zero, as _unlink_zero_quants treats it.
                    quantity: try row.quantityOrZero("quantity"),
                    reserved: try row.quantityOrZero("reserved_quantity")
                )
            )
        case .locations:
            let id = LocationID(try row.int("id"))
            let previous = current?.location(id)
            let completeName = try row.text("complete_name", previous: previous?.completeName)
            let name = try row.text("name", previous: nil)
            return .upsertLocation(
                Location(
                    id: id,
                    parentID: try row.optionalInt("location_id").map { LocationID($0) },
                    parentPath: try row.text("parent_path", previous: previous?.parentPath) ?? "",
                    completeName: completeName ?? name ?? "",
                    usage: Location.Usage(rawValue: try row.text("usage", previous: previous?.usage.rawValue) ?? "internal"),
                    companyID: try row.optionalInt("company_id").map { CompanyID($0) },
                    active: try row.bool("active", default: true)
                )
            )
        case .warehouses:
            let id = WarehouseID(try row.int("id"))
            let previous = current?.warehouse(id)
            return .upsertWarehouse(
                Warehouse(
                    id: id,
                    code: try row.text("code", previous: previous?.code) ?? "",
                    name: try row.text("name", previous: previous?.name) ?? "",
                    viewLocationID: LocationID(try row.int("view_location_id")),
                    stockLocationID: LocationID(try row.int("lot_stock_id")),
                    qualityControlLocationID: try row.optionalInt("wh_qc_stock_loc_id").map { LocationID($0) },
                    companyID: CompanyID(try row.int("company_id")),
                    active: try row.bool("active", default: true)
                )
            )
        case .variants:
            let id = VariantID(try row.int("id"))
            let previous = current?.variant(id)
            return .upsertVariant(
                ProductVariant(
                    id: id,
                    templateID: TemplateID(try row.int("product_tmpl_id")),
                    sku: try row.text("default_code", previous: previous?.sku),
                    barcode: try row.text("barcode", previous: previous?.barcode),
                    active: try row.bool("active", default: true)
                )
            )
        case .templates:
            let storable: Bool
            if index["is_storable"] != nil {
                storable = try row.bool("is_storable", default: false)
            } else {
                storable = try row.textEquals("type", "product")
            }
            return .upsertTemplate(
                ProductTemplate(
                    id: TemplateID(try row.int("id")),
                    storable: storable,
                    unitID: UnitID(try row.int("uom_id")),
                    active: try row.bool("active", default: true)
                )
            )
        case .units:
            let id = UnitID(try row.int("id"))
            let previous = current?.unit(id)
            return .upsertUnit(
                UnitOfMeasure(
                    id: id,
                    categoryID: try row.int("category_id"),
                    factor: try row.text("factor", previous: previous?.factor) ?? "1",
                    rounding: try row.quantityOrZero("rounding"),
                    active: try row.bool("active", default: true)
                )
            )
        case .boms:
            return .upsertBoM(
                BillOfMaterials(
                    id: BoMID(try row.int("id")),
                    templateID: TemplateID(try row.int("product_tmpl_id")),
                    variantID: try row.optionalInt("product_id").map { VariantID($0) },
                    isKit: try row.textEquals("type", "phantom"),
                    quantity: try row.quantityOrZero("product_qty"),
                    unitID: UnitID(try row.int("product_uom_id")),
                    active: try row.bool("active", default: true),
                    sequence: try row.optionalInt("sequence"),
                    companyID: try row.optionalInt("company_id").map { CompanyID($0) }
                )
            )
        case .bomLines:
            return .upsertBoMLine(
                BoMLine(
                    id: BoMLineID(try row.int("id")),
                    bomID: BoMID(try row.int("bom_id")),
                    componentID: VariantID(try row.int("product_id")),
                    quantity: try row.quantityOrZero("product_qty"),
                    unitID: UnitID(try row.int("product_uom_id")),
                    sequence: try row.optionalInt("sequence") ?? 1
                )
            )
        case .attributeValues:
            return .upsertAttributeValue(
                TemplateAttributeValue(id: AttributeValueID(try row.int("id")), attributeID: AttributeID(try row.int("attribute_id")))
            )
        case .bomLineValues:
            return .linkBoMLineValue(
                BoMLineValueLink(
                    ownerID: BoMLineID(try row.int("mrp_bom_line_id")),
                    valueID: AttributeValueID(try row.int("product_template_attribute_value_id"))
                )
            )
        case .moves:
            let id = MoveID(try row.int("id"))
            guard let state = try row.moveState("state"), state.isOpen else { return .closeMove(id) }
            let date = try row.timestamp("date")
            return .upsertMove(
                StockMove(
                    id: id,
                    variantID: VariantID(try row.int("product_id")),
                    quantity: try row.quantityOrZero("product_qty"),
                    state: state,
                    sourceID: LocationID(try row.int("location_id")),
                    destinationID: LocationID(try row.int("location_dest_id")),
                    finalDestinationID: try row.optionalInt("location_final_id").map { LocationID($0) },
                    date: date,
                    companyID: try row.optionalInt("company_id").map { CompanyID($0) },
                    ownerID: try row.optionalInt("restrict_partner_id")
                )
            )
        case .variantValues:
            return .linkVariantValue(
                VariantValueLink(
                    ownerID: VariantID(try row.int("product_product_id")),
                    valueID: AttributeValueID(try row.int("product_template_attribute_value_id"))
                )
            )
        }
    }

    /// The change a deleted row means; only the key is needed (the default replica identity sends only the key).
    ///
    /// - Parameter cells: The old key (or full old row) cells, in relation order; other cells may be `NULL`.
    /// - Throws: ``OdooMappingError`` when the id is missing.
    public func delete(_ cells: [SourceCell]) throws(OdooMappingError) -> StockChange {
        var row = Row(mapper: self, cells: cells)
        switch table {
        case .quants: return .deleteQuant(QuantID(try row.int("id")))
        case .locations: return .deleteLocation(LocationID(try row.int("id")))
        case .warehouses: return .deleteWarehouse(WarehouseID(try row.int("id")))
        case .variants: return .deleteVariant(VariantID(try row.int("id")))
        case .templates: return .deleteTemplate(TemplateID(try row.int("id")))
        case .units: return .deleteUnit(UnitID(try row.int("id")))
        case .boms: return .deleteBoM(BoMID(try row.int("id")))
        case .bomLines: return .deleteBoMLine(BoMLineID(try row.int("id")))
        case .attributeValues: return .deleteAttributeValue(AttributeValueID(try row.int("id")))
        case .moves: return .closeMove(MoveID(try row.int("id")))
        // Odoo's many-to-many tables have a primary key over both columns, so a delete carries both.
        case .bomLineValues:
            return .unlinkBoMLineValue(
                BoMLineValueLink(
                    ownerID: BoMLineID(try row.int("mrp_bom_line_id")),
                    valueID: AttributeValueID(try row.int("product_template_attribute_value_id"))
                )
            )
        case .variantValues:
            return .unlinkVariantValue(
                VariantValueLink(
                    ownerID: VariantID(try row.int("product_product_id")),
                    valueID: AttributeValueID(try row.int("product_template_attribute_value_id"))
                )
            )
        }
    }

    /// Reads typed values from one row's cells.
    private struct Row {
        let mapper: OdooTableMapper
        let cells: [SourceCell]

        func error(_ reason: String) -> OdooMappingError { OdooMappingError(table: mapper.table.rawValue, reason: reason) }

        func cell(_ column: String) -> SourceCell {
            guard let position = mapper.index[column], position < cells.count else { return .null }
            return cells[position]
        }

        mutating func int(_ column: String) throws(OdooMappingError) -> Int32 {
            guard let value = try optionalInt(column) else { throw error("\(column) is NULL or missing") }
            return value
        }

        mutating func optionalInt(_ column: String) throws(OdooMappingError) -> Int32? {
            switch cell(column) {
            case .null: return nil
            case .unchanged: throw error("\(column) arrived as unchanged TOAST, which an integer never is")
            case .text(let text):
                guard let value = CellText.int32(text.bytes) else { throw error("\(column) = '\(text)' is not an int4") }
                return value
            }
        }

        func bool(_ column: String, default fallback: Bool) throws(OdooMappingError) -> Bool {
            switch cell(column) {
            case .null: return fallback
            case .unchanged: throw error("\(column) arrived as unchanged TOAST")
            case .text(let text):
                guard let value = CellText.bool(text.bytes) else { throw error("\(column) = '\(text)' is not a boolean") }
                return value
            }
        }

        /// Whether a text column equals `word` (no `String` is built); `false` for NULL.
        func textEquals(_ column: String, _ word: StaticString) throws(OdooMappingError) -> Bool {
            switch cell(column) {
            case .null: return false
            case .unchanged: throw error("\(column) arrived as unchanged TOAST and no previous value is known")
            case .text(let text): return CellText.equals(text.bytes, word)
            }
        }

        /// A `stock_move.state` read from its bytes; `nil` for NULL (treated as `draft`) or an unknown state.
        func moveState(_ column: String) throws(OdooMappingError) -> StockMove.State? {
            switch cell(column) {
            case .null: return nil
            case .unchanged: throw error("\(column) arrived as unchanged TOAST and no previous value is known")
            // A state stockd does not know (a module's) is not open: the move only closes, as for draft.
            case .text(let text): return StockMove.State(utf8: text.bytes)
            }
        }

        /// A `timestamp` read from its bytes (NULL is refused, as Odoo's `date` is required).
        func timestamp(_ column: String) throws(OdooMappingError) -> Int64 {
            switch cell(column) {
            case .null: throw error("\(column) is NULL")
            case .unchanged: throw error("\(column) arrived as unchanged TOAST")
            case .text(let text):
                guard let value = TimestampText.microseconds(utf8: text.bytes) else { throw error("\(column) = '\(text)' is not a timestamp") }
                return value
            }
        }

        func text(_ column: String, previous: String?) throws(OdooMappingError) -> String? {
            switch cell(column) {
            case .null: return nil
            case .text(let text): return text.string
            case .unchanged:
                guard let previous else { throw error("\(column) arrived as unchanged TOAST and no previous value is known") }
                return previous
            }
        }

        func quantityOrZero(_ column: String) throws(OdooMappingError) -> Quantity {
            switch cell(column) {
            case .null: return .zero
            case .unchanged: throw error("\(column) arrived as unchanged TOAST")
            case .text(let text):
                do {
                    return try Quantity(parsingUTF8: text.bytes)
                } catch {
                    throw self.error("\(column): \(error)")
                }
            }
        }
    }
}
