import Testing

@testable import StockProjection

/// Change-feed cursors are per instance: the epoch's high byte is a tag of the instance's slot.
@Suite struct ChangeCursorTagTests {
    @Test func epochsCarryTheSlotsTagAndCountInTheLowByte() {
        let tag = ChangeCursor.tag(forSlot: "stockd_a")
        for _ in 0..<100 {
            let epoch = ChangeCursor.randomEpoch(tag: tag)
            #expect(ChangeCursor.tag(of: epoch) == tag)
            #expect(epoch & 0xFF != 0)
            let next = ChangeCursor.epoch(after: epoch)
            #expect(ChangeCursor.tag(of: next) == tag)
            #expect(next != epoch)
        }
        #expect(ChangeCursor.epoch(after: UInt16(tag) << 8 | 0xFF) == UInt16(tag) << 8 | 1)
        // A resync re-tags the epoch with the slot it now follows.
        #expect(ChangeCursor.epoch(after: 0x1234, tag: 0xAB) == 0xAB35)
    }

    @Test func slotNamesOfInstancesGetDifferentTags() {
        let names = ["stockd", "stockd_a", "stockd_b", "stockd_1", "stockd_2", "stockd_eu", "stockd_us"]
        #expect(Set(names.map(ChangeCursor.tag(forSlot:))).count == names.count)
        #expect(ChangeCursor.tag(forSlot: "stockd_a") == ChangeCursor.tag(forSlot: "stockd_a"))
    }

    /// A cursor from another instance's log (another tag) is refused as expired, never read as a position.
    @Test func aCursorOfAnotherInstanceIsRefused() throws {
        let a = ChangeCursor.randomEpoch(tag: ChangeCursor.tag(forSlot: "stockd_a"))
        let b = ChangeCursor.epoch(after: a, tag: ChangeCursor.tag(forSlot: "stockd_b"))
        let projection = StockProjection(state: ProjectionState(changeEpoch: b))
        let foreign = ChangeCursor.encode(epoch: a, position: 0)
        #expect(throws: (any Error).self) { try projection.snapshot().changes(after: foreign, limit: 10) }
        #expect(throws: Never.self) { try projection.snapshot().changes(after: projection.snapshot().changeCursor, limit: 10) }
    }
}
