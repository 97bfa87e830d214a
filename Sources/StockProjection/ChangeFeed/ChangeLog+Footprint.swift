extension ChangeLog {
    /// The bytes the log's chunks hold (spare capacity included, allocator headers excluded): at most about
    /// `capacity` entries of 8 bytes, whatever the catalogue's size.
    var chunkBytes: Int {
        chunks.reduce(chunks.capacity * MemoryLayout<ContiguousArray<Entry>>.stride) { $0 + $1.capacity * MemoryLayout<Entry>.stride }
    }
}

extension ProjectionState {
    /// The bytes the change feed's history holds (the newest ``ProjectionSettings/changeLogCapacity`` changed
    /// levels, restored from the store at start-up), for the memory figures (`MemoryFootprint`, docs/benchmarks.md).
    public var changeLogBytes: Int { changeLog.chunkBytes }
}
