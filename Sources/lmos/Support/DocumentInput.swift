import ArgumentParser
import LMOSCore
import LMOSDescription

/// Reads a JSON or CBOR document, exiting with status 2 and one line when it cannot.
func readDocument(_ file: String) throws -> JSONValue {
    let name = file == "-" ? "<stdin>" : file
    let bytes: [UInt8]
    do {
        bytes = try FileIO.read(file)
    } catch {
        printError("cannot read \(error)")
        throw ExitCode(2)
    }
    do throws(CoreError) {
        return MediaFormat.detect(bytes) == .cbor ? try JSONValue(cbor: bytes) : try JSONValue(parsing: bytes)
    } catch {
        printError("\(name): \(error)")
        throw ExitCode(2)
    }
}
