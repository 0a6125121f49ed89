/// Runs `body` with a fresh workspace and removes it afterwards, whether `body` succeeds or throws.
public func withWorkspace<T>(_ body: (CodexWorkspace) async throws -> T) async throws -> T {
    let workspace = try await CodexWorkspace.make()
    do {
        let result = try await body(workspace)
        await workspace.cleanUp()
        return result
    } catch {
        await workspace.cleanUp()
        throw error
    }
}

/// Runs `body` with a fake Telegram server and stops it afterwards, whether `body` succeeds or throws.
public func withFakeTelegram<T>(_ body: (FakeTelegramServer) async throws -> T) async throws -> T {
    let telegram = try await FakeTelegramServer.start()
    do {
        let result = try await body(telegram)
        await telegram.stop()
        return result
    } catch {
        await telegram.stop()
        throw error
    }
}
