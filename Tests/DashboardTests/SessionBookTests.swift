import CompanionCore
import Foundation
import PortFakes
import Testing

@testable import Dashboard

/// The session book itself, for what HTTP cannot show: one book never sees two ports in the daemon.
@Suite struct SessionBookTests {
    @Test func aSessionOpenedForOnePortIsRefusedOnAnother() async {
        let book = SessionBook(idleLimit: .seconds(3600), lifetime: .seconds(7200), clock: ManualClock())
        let (id, session) = await book.open(port: 8787)
        #expect(await book.session(id: id, port: 9999) == nil)
        // Refused there, it still works for its own port.
        #expect(await book.session(id: id, port: 8787) == session)
    }

    @Test func aSessionEndsAtItsLifetimeOrWhenClosed() async {
        let clock = ManualClock()
        let book = SessionBook(idleLimit: .seconds(3600), lifetime: .seconds(7200), clock: clock)
        let (first, _) = await book.open(port: 1)
        let (second, _) = await book.open(port: 1)
        clock.advance(by: .seconds(3000))
        #expect(await book.session(id: first, port: 1) != nil)
        clock.advance(by: .seconds(3000))
        #expect(await book.session(id: first, port: 1) != nil)
        #expect(await book.session(id: second, port: 1) == nil)  // unused for over an hour
        clock.advance(by: .seconds(1200))
        #expect(await book.session(id: first, port: 1) == nil)  // used, but two hours old
        let (third, opened) = await book.open(port: 1)
        await book.close(opened)
        #expect(await book.session(id: third, port: 1) == nil)
    }
}
