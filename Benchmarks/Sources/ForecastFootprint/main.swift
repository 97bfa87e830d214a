// Memory per open move (issue 14): the C heap a projection of 50k variants grows by when 500k open moves are
// loaded into it (glibc mallinfo2 after malloc_trim), and the bytes of one MoveEntry. Run by hand:
// `cd Benchmarks && swift run -c release ForecastFootprint`.
import BenchmarkFixtures
import CHeapStats
import StockCatalogue
import StockProjection

let catalogue = OdooCatalogue(shape: .benchmark(variants: 50_000))
let moves = MoveFixture.moves(of: catalogue, movesPerVariant: 10)
var state = CatalogueFixture.state(of: catalogue, checkpoint: Checkpoint(position: 1))
stockd_heap_trim()
let before = Int(stockd_heap_bytes_in_use())
for move in moves { state.load(.upsertMove(move)) }
state.finishLoading()
stockd_heap_trim()
let after = Int(stockd_heap_bytes_in_use())
let projection = StockProjection(state: state)
let count = projection.snapshot().openMoveCount
print("open moves: \(count)")
print("MoveEntry: size \(MemoryLayout<MoveEntry>.size) B, stride \(MemoryLayout<MoveEntry>.stride) B")
print("heap growth: \(after - before) B = \(Double(after - before) / Double(count)) B per open move")
withExtendedLifetime(moves) {}
