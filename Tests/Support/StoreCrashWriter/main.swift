// A child process for StockStorageTests' crash test: it commits transactions to a store as fast as it can,
// printing each committed position, until the test kills it with SIGKILL.
//
// Transaction k sets every one of `rows` quants to k units and has checkpoint position k, so a store at
// checkpoint c must hold exactly c units in every quant: anything else is a torn or lost write.
import Foundation
import StockProjection
import StockStorage

let arguments = CommandLine.arguments
guard arguments.count == 3, let rows = Int32(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: store-crash-writer STORE_DIR ROWS\n".utf8))
    exit(2)
}
let store = try LMDBProjectionStore(path: arguments[1], initialMapSize: 1 << 20)
let projection = StockProjection(state: try store.load())
var position = projection.snapshot().checkpoint?.position ?? 0
while true {
    position += 1
    let units = Int(position)
    let location = Location(
        id: LocationID(1), parentID: nil, parentPath: "1/", completeName: "Crash", usage: .internal, companyID: nil, active: true
    )
    let changes =
        [StockChange.upsertLocation(location)]
        + (1...rows).map { id in
            StockChange.upsertQuant(
                Quant(id: QuantID(id), variantID: VariantID(id), locationID: LocationID(1), quantity: Quantity(units: units), reserved: .zero)
            )
        }
    try projection.apply([SourceTransaction(checkpoint: Checkpoint(position: position), changes: changes)], persistingTo: store)
    FileHandle.standardOutput.write(Data("committed \(position)\n".utf8))
}
