import DirectoryStoreSQLite
import Foundation
import LMOSCore
import LMOSTestSupport
import Synchronization
@testable import LMOSDirectory

/// The stores every engine test runs against.
enum StoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case memory, sqlite
    var description: String { rawValue }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let now = Mutex(Timestamp(millisecondsSince1970: 1_790_000_000_000))

    var time: Timestamp { now.withLock { $0 } }

    func advance(seconds: Double) {
        now.withLock { $0 = $0.adding(seconds: seconds) }
    }
}

/// A directory on a fresh store (a new SQLite file in a temporary folder, or memory).
struct TestDirectory {
    let directory: ThingDirectory
    let clock: ManualClock
    let folder: URL?

    init(_ kind: StoreKind, configuration: DirectoryConfiguration = DirectoryConfiguration(), folder: URL? = nil) async throws {
        let clock = ManualClock()
        let store: any DescriptionStore
        var used = folder
        switch kind {
        case .memory:
            store = InMemoryDescriptionStore()
        case .sqlite:
            let directory = try folder ?? Subprocess.temporaryDirectory(prefix: "lmos-directory-test")
            used = directory
            store = try await SQLiteDescriptionStore.open(path: directory.appendingPathComponent("directory.sqlite").path)
        }
        self.clock = clock
        self.folder = used
        self.directory = ThingDirectory(store: store, configuration: configuration, clock: { clock.time })
    }
}

/// Agent Descriptions for tests.
enum Fixture {
    static func agent(
        id: String? = "urn:example:agent:weather", title: String = "Weather Agent", description: String? = nil,
        capabilities: [(id: String, name: String)] = [], type: String = "lmos:Agent", registration: JSONValue? = nil
    ) -> JSONValue {
        var object: JSONObject = [
            "@context": ["https://www.w3.org/2022/wot/td/v1.1", ["lmos": "https://eclipse.dev/lmos/protocol/v1"]],
            "@type": .string(type),
        ]
        if let id { object["id"] = .string(id) }
        object["title"] = .string(title)
        if let description { object["description"] = .string(description) }
        object["securityDefinitions"] = ["nosec_sc": ["scheme": "nosec"]]
        object["security"] = "nosec_sc"
        if !capabilities.isEmpty {
            object["lmos:capabilities"] = .array(capabilities.map { capability in
                ["id": .string(capability.id), "name": .string(capability.name), "description": .string("Tells the \(capability.name)"),
                 "examples": .array([.string("What is the \(capability.name) in Berlin?")])]
            })
        }
        if let registration { object["registration"] = registration }
        return .object(object)
    }
}

extension EnrichedDescription {
    var object: JSONObject { (try? value())?.objectValue ?? JSONObject() }
}
