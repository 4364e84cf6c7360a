import LMOSMessaging
import Testing

@Suite("Trace context")
struct TraceContextTests {
    @Test func acceptsTheW3CExamplesAndContinuesTheTrace() throws {
        let trace = try #require(TraceContext(traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "congo=t61rcWkgMzE"))
        #expect(trace.traceID == "0af7651916cd43dd8448eb211c80319c")
        #expect(trace.parentID == "b7ad6b7169203331")
        #expect(trace.sampled)
        let child = trace.child()
        #expect(child.traceID == trace.traceID)
        #expect(child.parentID != trace.parentID)
        #expect(child.tracestate == "congo=t61rcWkgMzE")
        #expect(child.traceparent.hasSuffix("-01"))
        #expect(TraceContext(traceparent: child.traceparent) != nil)
        #expect(!TraceContext.newTrace().traceID.isEmpty)
    }

    @Test func refusesInvalidTraceparents() {
        for text in [
            "", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
            "00-00000000000000000000000000000000-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
            "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",
            "00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        ] {
            #expect(TraceContext(traceparent: text) == nil, "\(text)")
        }
        // A later version may carry more fields after a dash.
        #expect(TraceContext(traceparent: "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what") != nil)
    }
}
