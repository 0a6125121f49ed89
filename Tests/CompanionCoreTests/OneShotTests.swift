import CompanionCore
import PortFakes
import Synchronization
import Testing

/// The one waiting primitive: the first value wins, and a cancelled waiter leaves the others waiting.
@Suite struct OneShotTests {
    @Test func theFirstValueWinsAndLateWaitersGetItAtOnce() async {
        let shot = OneShot<Int>()
        #expect(shot.value == nil)
        #expect(shot.fulfil(1))
        #expect(!shot.fulfil(2))
        #expect(shot.value == 1)
        #expect(await shot.wait() == 1)
    }

    @Test func aCancelledWaiterLeavesTheOthersWaiting() async {
        let shot = OneShot<String>()
        let waiting = WaiterCount()
        let staying = Task {
            waiting.add()
            return await shot.wait()
        }
        let leaving = Task {
            waiting.add()
            return await shot.wait()
        }
        await Eventually.until { waiting.value == 2 }
        leaving.cancel()
        #expect(await leaving.value == nil)
        // The waiter that stayed has not been woken by the other's cancellation.
        #expect(shot.value == nil)
        shot.fulfil("stop")
        #expect(await staying.value == "stop")
    }

    @Test func aWaiterCancelledBeforeItWaitsReturnsAtOnce() async {
        let shot = OneShot<Void>()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await shot.wait()
        }
        #expect(await task.value == nil)
    }
}

private final class WaiterCount: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
