import DNSMessage
import NIOCore

/// Which network interfaces mDNS sends and listens on.
public enum InterfaceSelection: Sendable, Hashable {
    /// Every interface whose multicast flag is set (on most machines not loopback, whose flag is off).
    case allMulticastCapable
    /// The named interfaces, for example `eth0`; each must exist and support multicast.
    case named([String])

    /// One interface by name, or all multicast-capable ones when `name` is nil.
    public init(_ name: String?) {
        self = name.map { .named([$0]) } ?? .allMulticastCapable
    }
}

/// One interface with the addresses mDNS uses on it.
struct SelectedInterface: Sendable {
    var name: String
    var index: Int
    /// The device entry of the interface's first IPv4 address, for joining and sending over IPv4.
    var ipv4: NIONetworkDevice?
    /// The device entry of an IPv6 address, for joining and sending over IPv6.
    var ipv6: NIONetworkDevice?
    /// Every address of the interface (the responder's A and AAAA records).
    var addresses: [IPAddress] = []

    /// The interfaces `selection` names, from the system's list.
    static func resolve(_ selection: InterfaceSelection) throws(LocalDiscoveryError) -> [SelectedInterface] {
        let devices: [NIONetworkDevice]
        do {
            devices = try System.enumerateDevices()
        } catch {
            throw .noInterface("cannot list the network interfaces: \(error)")
        }
        var byName: [String: SelectedInterface] = [:]
        var order: [String] = []
        for device in devices where device.multicastSupported {
            if byName[device.name] == nil {
                order.append(device.name)
                byName[device.name] = SelectedInterface(name: device.name, index: device.interfaceIndex)
            }
            guard let text = device.address?.ipAddress else { continue }
            switch device.address {
            case .v4?:
                guard let address = IPv4Address(text) else { continue }
                if byName[device.name]?.ipv4 == nil { byName[device.name]?.ipv4 = device }
                byName[device.name]?.addresses.append(.v4(address))
            case .v6?:
                guard let address = IPv6Address(String(text.split(separator: "%").first ?? "")) else { continue }
                if byName[device.name]?.ipv6 == nil { byName[device.name]?.ipv6 = device }
                byName[device.name]?.addresses.append(
                    .v6(address, zone: address.isLinkLocal ? UInt32(device.interfaceIndex) : nil))
            default:
                continue
            }
        }
        let chosen: [SelectedInterface]
        switch selection {
        case .allMulticastCapable:
            chosen = order.compactMap { byName[$0] }.filter { $0.ipv4 != nil || $0.ipv6 != nil }
            guard !chosen.isEmpty else {
                throw .noInterface("no network interface with an address supports multicast; name one with --interface")
            }
        case .named(let names):
            var list: [SelectedInterface] = []
            for name in names {
                guard let interface = byName[name] else {
                    if devices.contains(where: { $0.name == name }) {
                        throw .noInterface("interface \(name) does not support multicast (ip link set \(name) multicast on)")
                    }
                    throw .noInterface("no network interface named \(name)")
                }
                guard interface.ipv4 != nil || interface.ipv6 != nil else {
                    throw .noInterface("interface \(name) has no IP address")
                }
                list.append(interface)
            }
            chosen = list
        }
        return chosen
    }
}
