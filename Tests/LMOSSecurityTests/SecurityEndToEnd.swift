import Testing

/// The end-to-end security suites, one after another: each starts real servers (authorization server, directories,
/// agents) and Python peers; run side by side with each other and with the rest of the test run on two cores they
/// would starve the timing-sensitive tests of other targets.
@Suite("Security end to end", .serialized)
struct SecurityEndToEnd {}
