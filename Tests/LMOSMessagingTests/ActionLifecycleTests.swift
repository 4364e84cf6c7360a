import LMOSCore
import LMOSMessaging
import Testing

@Suite("Action lifecycle")
struct ActionLifecycleTests {
    let t0 = Timestamp(millisecondsSince1970: 1_000_000)

    @Test func goesFromPendingThroughRunningToCompleted() throws {
        var lifecycle = ActionLifecycle()
        let started = lifecycle.start(id: "c1", action: "chat", at: t0)
        let pending = try #require(started)
        #expect(pending.status == .pending && pending.timeRequested == t0)
        #expect(lifecycle.start(id: "c1", action: "chat", at: t0) == nil, "ids are unique")
        #expect(lifecycle.progress(id: "c1", partial: "a", at: t0)?.status == .running)
        #expect(lifecycle.progress(id: "c1", partial: "b", at: t0)?.output == "b")
        #expect(lifecycle.invocation(id: "c1")?.report.output == "b", "a query sees the latest partial")
        let completed = lifecycle.complete(id: "c1", output: "ab", at: t0.adding(seconds: 1))
        let done = try #require(completed)
        #expect(done.status == .completed && done.output == "ab" && done.timeEnded == t0.adding(seconds: 1))
        #expect(lifecycle.progress(id: "c1", partial: "late", at: t0) == nil, "nothing after the end")
        #expect(lifecycle.fail(id: "c1", problem: .internalError("x"), at: t0) == nil)
        #expect(lifecycle.invocation(id: "c1")?.state == .completed)
        #expect(lifecycle.activeCount == 0)
    }

    @Test func cancelEndsARunningInvocationOnlyOnce() throws {
        var lifecycle = ActionLifecycle()
        _ = lifecycle.start(id: "c", action: "chat", at: t0)
        _ = lifecycle.progress(id: "c", partial: nil, at: t0)
        guard case .cancelled(let report) = lifecycle.cancel(id: "c", reason: "user", at: t0) else {
            Issue.record("not cancelled")
            return
        }
        #expect(report.status == .failed && report.error?.title == "Cancelled" && report.error?.detail == "user")
        #expect(lifecycle.cancel(id: "c", reason: nil, at: t0) == .alreadyEnded(report))
        #expect(lifecycle.complete(id: "c", output: 1, at: t0) == nil, "the work's late result is ignored")
        #expect(lifecycle.cancel(id: "unknown", reason: nil, at: t0) == .unknown)
    }

    @Test func endedInvocationsAreKeptForTheRetentionThenForgotten() {
        var lifecycle = ActionLifecycle(retention: 10, maximumRetained: 3)
        for index in 0..<5 {
            _ = lifecycle.start(id: "c\(index)", action: "a", at: t0)
            _ = lifecycle.complete(id: "c\(index)", output: nil, at: t0)
        }
        #expect(lifecycle.invocation(id: "c0") == nil && lifecycle.invocation(id: "c1") == nil, "at most 3 kept")
        #expect(lifecycle.invocation(id: "c4") != nil)
        _ = lifecycle.start(id: "running", action: "a", at: t0)
        lifecycle.expire(at: t0.adding(seconds: 11))
        #expect(lifecycle.invocation(id: "c4") == nil)
        #expect(lifecycle.invocation(id: "running") != nil, "running invocations never expire")
        #expect(lifecycle.activeCount == 1)
    }
}
