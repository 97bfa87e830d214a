import StockProjection

/// The storage format of each mirrored source row (format version ``StoreFormat/version``).
enum RowCodec {
    static func encode(_ quant: Quant, into writer: inout RowWriter) {
        writer.write(quant.variantID.rawValue)
        writer.write(quant.locationID.rawValue)
        writer.write(quant.quantity.rawValue)
        writer.write(quant.reserved.rawValue)
    }

    static func decodeQuant(id: Int32, _ bytes: UnsafeRawBufferPointer) throws(StoreError) -> Quant {
        var reader = RowReader(bytes)
        let quant = Quant(
            id: QuantID(id),
            variantID: VariantID(try reader.read()),
            locationID: LocationID(try reader.read()),
            quantity: Quantity(rawValue: try reader.read()),
            reserved: Quantity(rawValue: try reader.read())
        )
        try reader.finish()
        return quant
    }

    /// An open move: variant, source, effective destination, quantity, date (28 bytes). Only open moves are
    /// stored, so the state is not; the effective destination (18's `location_final_id` when set) is all the
    /// forecast reads.
    static func encode(_ move: StockMove, into writer: inout RowWriter) {
        writer.write(move.variantID.rawValue)
        writer.write(move.sourceID.rawValue)
        writer.write(move.effectiveDestinationID.rawValue)
        writer.write(move.quantity.rawValue)
        writer.write(move.date)
    }

    static func decodeMove(id: Int32, _ bytes: UnsafeRawBufferPointer) throws(StoreError) -> StockMove {
        var reader = RowReader(bytes)
        let variant: Int32 = try reader.read()
        let source: Int32 = try reader.read()
        let destination: Int32 = try reader.read()
        let quantity: Int64 = try reader.read()
        let date: Int64 = try reader.read()
        try reader.finish()
        // Stored moves are open; `confirmed` stands for whichever open state it was (the forecast does not tell them apart).
        return StockMove(
            id: MoveID(id), variantID: VariantID(variant), quantity: Quantity(rawValue: quantity), state: .confirmed,
            sourceID: LocationID(source), destinationID: LocationID(destination), date: date)
    }

    static func encode(_ location: Location, into writer: inout RowWriter) {
        writer.write(location.parentID?.rawValue)
        writer.write(location.parentPath)
        writer.write(location.completeName)
        writer.write(location.usage.rawValue)
        writer.write(location.companyID?.rawValue)
        writer.write(location.active)
    }

    static func decodeLocation(id: Int32, _ bytes: UnsafeRawBufferPointer) throws(StoreError) -> Location {
        var reader = RowReader(bytes)
        let location = Location(
            id: LocationID(id),
            parentID: try reader.readOptional(Int32.self).map { LocationID($0) },
            parentPath: try reader.readString(),
            completeName: try reader.readString(),
            usage: Location.Usage(rawValue: try reader.readString()),
            companyID: try reader.readOptional(Int32.self).map { CompanyID($0) },
            active: try reader.readBool()
        )
        try reader.finish()
        return location
    }

    static func encode(_ warehouse: Warehouse, into writer: inout RowWriter) {
        writer.write(warehouse.code)
        writer.write(warehouse.name)
        writer.write(warehouse.viewLocationID.rawValue)
        writer.write(warehouse.stockLocationID.rawValue)
        writer.write(warehouse.qualityControlLocationID?.rawValue)
        writer.write(warehouse.companyID.rawValue)
        writer.write(warehouse.active)
    }

    static func decodeWarehouse(id: Int32, _ bytes: UnsafeRawBufferPointer) throws(StoreError) -> Warehouse {
        var reader = RowReader(bytes)
        let warehouse = Warehouse(
            id: WarehouseID(id),
            code: try reader.readString(),
            name: try reader.readString(),
            viewLocationID: LocationID(try reader.read()),
            stockLocationID: LocationID(try reader.read()),
            qualityControlLocationID: try reader.readOptional(Int32.self).map { LocationID($0) },
            companyID: CompanyID(try reader.read()),
            active: try reader.readBool()
        )
        try reader.finish()
        return warehouse
    }

    static func encode(_ variant: ProductVariant, into writer: inout RowWriter) {
        writer.write(variant.templateID.rawValue)
        writer.write(variant.sku)
        writer.write(variant.barcode)
        writer.write(variant.active)
    }

    static func decodeVariant(id: Int32, _ bytes: UnsafeRawBufferPointer) throws(StoreError) -> ProductVariant {
        var reader = RowReader(bytes)
        let variant = ProductVariant(
            id: VariantID(id),
            templateID: TemplateID(try reader.read()),
            sku: try reader.readOptionalString(),
            barcode: try reader.readOptionalString(),
            active: try reader.readBool()
        )
        try reader.finish()
        return variant
    }

    static func encode(_ template: ProductTemplate, into writer: inout RowWriter) {
        writer.write(template.storable)
        writer.write(template.unitID.rawValue)
        writer.write(template.active)
    }

    static func decodeTemplate(id: Int32, _ bytes: UnsafeRawBufferPointer) throws(StoreError) -> ProductTemplate {
        var reader = RowReader(bytes)
        let template = ProductTemplate(
            id: TemplateID(id),
            storable: try reader.readBool(),
            unitID: UnitID(try reader.read()),
            active: try reader.readBool()
        )
        try reader.finish()
        return template
    }

    static func encode(_ unit: UnitOfMeasure, into writer: inout RowWriter) {
        writer.write(unit.categoryID)
        writer.write(unit.factor)
        writer.write(unit.rounding.rawValue)
        writer.write(unit.active)
    }

    static func decodeUnit(id: Int32, _ bytes: UnsafeRawBufferPointer) throws(StoreError) -> UnitOfMeasure {
        var reader = RowReader(bytes)
        let unit = UnitOfMeasure(
            id: UnitID(id),
            categoryID: try reader.read(),
            factor: try reader.readString(),
            rounding: Quantity(rawValue: try reader.read()),
            active: try reader.readBool()
        )
        try reader.finish()
        return unit
    }

    static func encode(_ bom: BillOfMaterials, into writer: inout RowWriter) {
        writer.write(bom.templateID.rawValue)
        writer.write(bom.variantID?.rawValue)
        writer.write(bom.isKit)
        writer.write(bom.quantity.rawValue)
        writer.write(bom.unitID.rawValue)
        writer.write(bom.active)
        writer.write(bom.sequence)
        writer.write(bom.companyID?.rawValue)
    }

    static func decodeBoM(id: Int32, _ bytes: UnsafeRawBufferPointer) throws(StoreError) -> BillOfMaterials {
        var reader = RowReader(bytes)
        let bom = BillOfMaterials(
            id: BoMID(id),
            templateID: TemplateID(try reader.read()),
            variantID: try reader.readOptional(Int32.self).map { VariantID($0) },
            isKit: try reader.readBool(),
            quantity: Quantity(rawValue: try reader.read()),
            unitID: UnitID(try reader.read()),
            active: try reader.readBool(),
            sequence: try reader.readOptional(Int32.self),
            companyID: try reader.readOptional(Int32.self).map { CompanyID($0) }
        )
        try reader.finish()
        return bom
    }

    static func encode(_ line: BoMLine, into writer: inout RowWriter) {
        writer.write(line.bomID.rawValue)
        writer.write(line.componentID.rawValue)
        writer.write(line.quantity.rawValue)
        writer.write(line.unitID.rawValue)
        writer.write(line.sequence)
    }

    static func decodeBoMLine(id: Int32, _ bytes: UnsafeRawBufferPointer) throws(StoreError) -> BoMLine {
        var reader = RowReader(bytes)
        let line = BoMLine(
            id: BoMLineID(id),
            bomID: BoMID(try reader.read()),
            componentID: VariantID(try reader.read()),
            quantity: Quantity(rawValue: try reader.read()),
            unitID: UnitID(try reader.read()),
            sequence: try reader.read()
        )
        try reader.finish()
        return line
    }
}
