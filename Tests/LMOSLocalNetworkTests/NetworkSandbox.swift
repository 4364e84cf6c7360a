import Foundation
import NIOCore
import Testing

/// The guard every multicast test stands behind: it runs only inside a private network namespace made by
/// `scripts/netns-run` (which sets `LMOS_NETNS=1`), and only if the namespace really has no interface but `lo`,
/// so nothing can ever reach the machine's real network.
enum NetworkSandbox {
    static var isPrivate: Bool {
        guard ProcessInfo.processInfo.environment["LMOS_NETNS"] == "1" else { return false }
        guard let devices = try? System.enumerateDevices() else { return false }
        return devices.allSatisfy { $0.name == "lo" }
    }

    /// When the run must not skip (scripts/test sets LMOS_REQUIRE_INTEROP=1), running outside a namespace fails.
    static var mustRun: Bool { ProcessInfo.processInfo.environment["LMOS_REQUIRE_INTEROP"] == "1" }

    static let peers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers")
}

@Suite("Network sandbox")
struct NetworkSandboxTests {
    @Test(.enabled(if: NetworkSandbox.mustRun && !NetworkSandbox.isPrivate))
    func multicastTestsNeedANamespace() {
        Issue.record("the local-network tests run only inside a private network namespace: scripts/netns-run swift test ...")
    }
}
