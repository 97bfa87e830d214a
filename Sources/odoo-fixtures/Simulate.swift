import ArgumentParser
import Foundation
import LibPQ
import OdooFixtures
import StockCatalogue
import StockProjection

/// `odoo-fixtures simulate`: keep writing Odoo-style stock transactions into a database loaded with the same
/// catalogue (`odoo-fixtures catalogue`), at a steady rate, as real SQL transactions.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Write Odoo-style stock transactions (receipts, reservations, deliveries, transfers, scrap, merges) into a database at a steady rate."
    )
    @OptionGroup var options: FixtureOptions

    @Option(help: "libpq connection string of the database holding the catalogue.")
    var dsn: String

    @Option(help: "Transactions per second.")
    var rate: Double = 20

    @Option(help: "How long to run, in seconds (0: until interrupted).")
    var seconds: Double = 0

    @Option(name: .customLong("operations-seed"), help: "Random seed of the operations.")
    var operationsSeed: UInt64 = 7

    @Option(
        name: .customLong("move-rate"),
        help: "One transaction in this many is a stock_move operation (create, confirm, reserve, deliver, validate, cancel, re-date); 0: none.")
    var moveRate = 0

    func run() throws {
        let connection = try PostgresConnection(conninfo: dsn, applicationName: "odoo-fixtures simulate")
        let catalogue = options.catalogue
        // Start from the quants the database holds now, so a second run continues where the first stopped.
        var current: [Quant] = []
        let rows = try connection.execute("SELECT id, product_id, location_id, coalesce(quantity, 0), reserved_quantity FROM stock_quant")
        for row in rows.rows {
            guard let id = row[0].flatMap({ Int32($0) }), let product = row[1].flatMap({ Int32($0) }), let location = row[2].flatMap({ Int32($0) })
            else { continue }
            current.append(
                Quant(
                    id: QuantID(id), variantID: VariantID(product), locationID: LocationID(location),
                    quantity: (try? Quantity(parsing: row[3] ?? "0")) ?? .zero, reserved: (try? Quantity(parsing: row[4] ?? "0")) ?? .zero
                )
            )
        }
        var operations = OdooOperations(catalogue: catalogue, seed: operationsSeed ^ UInt64(current.count), currentQuants: current)
        operations.moveRate = max(0, moveRate)
        if moveRate > 0 {
            // New moves only: the ones already in the database are left as they are.
            let last = try connection.execute("SELECT coalesce(max(id), 0) AS last FROM stock_move").value("last")
            operations.nextMoveID = (last.flatMap { Int32($0) } ?? 0) + 1
        }
        var renderer = OdooChangeRenderer(version: try options.version(), catalogue: catalogue, existingQuantIDs: Set(current.map(\.id)))
        let interval = 1 / max(rate, 0.001)
        let started = Date()
        var next = started
        var written = 0
        while seconds == 0 || Date().timeIntervalSince(started) < seconds {
            let transaction = operations.next()
            try connection.execute(renderer.transactionScript(for: transaction))
            written += 1
            if written % max(1, Int(rate) * 10) == 0 {
                FileHandle.standardError.write(Data("odoo-fixtures: \(written) transactions written\n".utf8))
            }
            next += interval
            let wait = next.timeIntervalSinceNow
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
    }
}
