// Memory per open move (issue 14): the C heap a projection of a generated catalogue grows by when its open moves
// are loaded into it (glibc mallinfo2 after malloc_trim), and the bytes of one MoveEntry. Run by hand:
// `cd Benchmarks && swift run -c release ForecastFootprint [variants] [moves per variant] [one variant in N]`
// (defaults 50,000, 10 and 1: 500,000 moves; `200000 1 2` gives 100,000 moves, one on every other variant).
import BenchmarkFixtures
import CHeapStats
import StockCatalogue
import StockProjection

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let variantCount = arguments.count > 0 ? arguments[0] : 50_000
let movesPerVariant = arguments.count > 1 ? arguments[1] : 10
let oneVariantIn = max(1, arguments.count > 2 ? arguments[2] : 1)
let catalogue = OdooCatalogue(shape: .benchmark(variants: variantCount))
let moves = MoveFixture.moves(of: catalogue, movesPerVariant: movesPerVariant).filter { Int($0.variantID.rawValue) % oneVariantIn == 0 }
var state = CatalogueFixture.state(of: catalogue, checkpoint: Checkpoint(position: 1))
stockd_heap_trim()
let before = Int(stockd_heap_bytes_in_use())
for move in moves { state.load(.upsertMove(move)) }
state.finishLoading()
stockd_heap_trim()
let after = Int(stockd_heap_bytes_in_use())
let projection = StockProjection(state: state)
let count = projection.snapshot().openMoveCount
print("variants: \(catalogue.variants.count), open moves: \(count)")
print("MoveEntry: size \(MemoryLayout<MoveEntry>.size) B, stride \(MemoryLayout<MoveEntry>.stride) B")
print("heap growth: \(after - before) B = \(Double(after - before) / Double(count)) B per open move")
withExtendedLifetime(moves) {}
