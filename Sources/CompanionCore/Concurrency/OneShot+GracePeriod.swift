extension OneShot {
    /// Waits at most `limit` (on the monotonic clock `Task.sleep` uses); the value if it was set by then.
    /// For grace periods: a child given this long to exit before it is killed, background work this long
    /// to end before it is cancelled.
    @discardableResult
    public func wait(upTo limit: Duration) async -> Value? {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = await self.wait() }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
        return value
    }
}
