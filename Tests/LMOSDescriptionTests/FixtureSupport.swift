import Foundation
import LMOSCore
import LMOSDescription

enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw FixtureMissing(name: name)
        }
        return Array(try Data(contentsOf: url))
    }

    static func thing(_ name: String) throws -> ThingDescription {
        try ThingDescription(bytes: bytes(name))
    }

    struct FixtureMissing: Error { let name: String }
}
