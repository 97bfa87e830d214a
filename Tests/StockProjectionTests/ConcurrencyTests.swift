import Foundation
import ProjectionTestFixtures
import Synchronization
import Testing

@testable import StockProjection

@Suite struct ConcurrencyTests {
    /// A move of 5 units from WH/Stock to WH/Stock/Shelf 1 is one transaction: readers on other threads must
    /// always see the warehouse total unchanged and both ends moved together, never half a move.
    @Test func readersNeverSeeHalfAMove() throws {
        let projection = try Fixtures.projection([
            Fixtures.quant(1, Fixtures.chair, Fixtures.whStock, "1000"),
            Fixtures.quant(2, Fixtures.chair, Fixtures.shelf1, "0"),
        ])
        let moves = 20_000
        let done = Atomic<Bool>(false)
        let reads = Atomic<Int>(0)
        let torn = Atomic<Int>(0)
        let readers = 3
        let group = DispatchGroup()
        for _ in 0..<readers {
            group.enter()
            Thread.detachNewThread {
                let whole = try! projection.snapshot().resolve(.warehouse(Fixtures.wh))
                let stock = try! projection.snapshot().resolve(.location(Fixtures.whStock))
                let shelf = try! projection.snapshot().resolve(.location(Fixtures.shelf1))
                repeat {
                    let snapshot = projection.snapshot()
                    let total = snapshot.figures(for: Fixtures.chair, in: whole).onHand
                    // WH/Stock includes Shelf 1, so WH/Stock minus Shelf 1 is what is on WH/Stock itself.
                    let onStock = snapshot.figures(for: Fixtures.chair, in: stock).onHand - snapshot.figures(for: Fixtures.chair, in: shelf).onHand
                    let onShelf = snapshot.figures(for: Fixtures.chair, in: shelf).onHand
                    let movedUnits = onShelf.rawValue / Quantity.scale
                    if total != "1000" || onStock + onShelf != "1000" || movedUnits % 5 != 0 {
                        torn.add(1, ordering: .relaxed)
                    }
                    reads.add(1, ordering: .relaxed)
                } while !done.load(ordering: .acquiring)
                group.leave()
            }
        }
        var onStock = 1000
        var onShelf = 0
        for move in 0..<moves {
            let toShelf = onStock >= 5 && (move / 100) % 2 == 0 || onShelf < 5
            onStock += toShelf ? -5 : 5
            onShelf += toShelf ? 5 : -5
            try projection.apply([
                Fixtures.transaction(
                    UInt64(move + 2),
                    [
                        Fixtures.quant(1, Fixtures.chair, Fixtures.whStock, "\(onStock)"),
                        Fixtures.quant(2, Fixtures.chair, Fixtures.shelf1, "\(onShelf)"),
                    ])
            ])
        }
        done.store(true, ordering: .releasing)
        group.wait()
        #expect(torn.load(ordering: .relaxed) == 0)
        #expect(reads.load(ordering: .relaxed) > 0)
    }
}
