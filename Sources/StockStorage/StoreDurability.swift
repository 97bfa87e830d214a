/// How hard each commit pushes data to disk.
public enum StoreDurability: String, Hashable, Sendable, CaseIterable {
    /// Every commit is synced: a crash of the process or the machine loses nothing committed. The default.
    case full
    /// Data is synced but the meta page is not: a machine crash may undo the last commit, never corrupt.
    case noMetaSync = "no_meta_sync"
    /// Nothing is synced by commits: a machine crash may undo recent commits (never corrupt). A process crash
    /// loses nothing. The source replays what was undone, because the checkpoint goes back with the data.
    case noSync = "no_sync"
}
