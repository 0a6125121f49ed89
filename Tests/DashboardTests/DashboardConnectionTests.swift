import CompanionCore
import Dashboard
import Foundation
import PortFakes
import Testing

/// The dashboard's connections over raw sockets: a local flood of silent or half-sent connections is
/// closed (after the idle timeout, or at once over the limit) and the dashboard keeps answering. Each
/// test waits for the server to close the sockets (a read that ends), never for a fixed time.
@Suite struct DashboardConnectionTests {
    @Test func silentAndHalfSentConnectionsAreClosedAfterTheIdleTimeout() async throws {
        let rig = try await DashboardRig.start { $0.idleTimeout = .seconds(1) }
        let browser = try await rig.login()
        // An event stream opened before them outlives them: a response under way is not idle.
        let stream = try await EventStreamClient.open(port: rig.port, cookie: browser.cookie)
        #expect(stream.status == 200)
        let port = rig.port
        let sockets = try await HTTPTestClient.blocking { try (0..<8).map { _ in try TestSocket(port: port, timeout: 20) } }
        // Half of them send half a request head, the rest nothing at all.
        for socket in sockets[4...] { try socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nCook") }
        let closed = try await HTTPTestClient.blocking { TestSocket.waitUntilClosed(sockets, count: sockets.count, timeout: 30) }
        #expect(closed == sockets.count)
        for socket in sockets { socket.close() }

        var events = stream.events.makeAsyncIterator()
        let submitted = try await rig.api("POST", "/api/tasks", browser, json: #"{"project":"alpha","prompt":"still listening"}"#)
        #expect(submitted.status == 201)
        #expect(await events.next { $0.event == "started" } != nil)
        stream.close()
        #expect(try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie]).status == 200)
        await rig.waitUntilRunning("still listening")
        rig.runner.open("still listening")
        await rig.stop()
    }

    @Test func connectionsOverTheLimitAreClosedAtOnceAndTheDashboardAnswersOnceTheFloodGoes() async throws {
        // An idle timeout far longer than the test: every close seen here is the limit's.
        let rig = try await DashboardRig.start {
            $0.maxConnections = 4
            $0.idleTimeout = .seconds(120)
        }
        let port = rig.port
        let sockets = try await HTTPTestClient.blocking { try (0..<10).map { _ in try TestSocket(port: port, timeout: 20) } }
        let closed = try await HTTPTestClient.blocking { TestSocket.waitUntilClosed(sockets, count: 6, timeout: 30) }
        #expect(closed == 6)
        let kept = sockets.filter { !$0.peerClosed() }
        #expect(kept.count == 4)
        // While the flood holds every place, a request is closed too.
        await #expect(throws: (any Error).self) { try await rig.client.send("GET", "/login") }

        // Once the flood goes, the dashboard answers again.
        for socket in sockets { socket.reset() }
        var status: Int?
        for _ in 0..<2_000 where status == nil {
            status = try? await rig.client.send("GET", "/login").status
            if status == nil { await Task.yield() }
        }
        #expect(status == 401)
        let browser = try await rig.login()
        #expect(try await rig.client.send("GET", "/", headers: ["Cookie": browser.cookie]).status == 200)
        await rig.stop()
    }
}
