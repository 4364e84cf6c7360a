// WSBench: the WebSocket (`lmosprotocol`) binding of an AgentServer measured next to a raw SwiftNIO WebSocket echo
// server, in one process, with one client (raw NIO) for both. Loopback only; every phase has a deadline; prints one
// JSON object on standard output (progress on standard error) and exits 0 only when every phase got every reply.
// Run through Agent/ws-bench.sh, which builds it in release and prints the table.
import Foundation
import Logging

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}

let options: Options
do {
    options = try Options(CommandLine.arguments)
} catch {
    note("\(error)")
    exit(2)
}
let code = await Bench(options: options).run()
exit(code)
