import Testing
@testable import PolicyLint

/// Address literals are read from their bytes when they are plain IPv4 addresses or blocks (a
/// group of a large export holds thousands); the fast path must accept exactly what the full
/// reading accepts, with the same address.
@Suite("Address literals")
struct AddressLiteralTests {
    static let literals = [
        "10.0.0.1", "0.0.0.0", "255.255.255.255", "10.0.0.0/8", "10.0.0.0/0", "10.0.0.0/32", "192.168.1.0/24",
        "256.0.0.1", "10.0.0", "10.0.0.1.2", "010.0.0.1", "10.00.0.1", "10.0.0.0/33", "10.0.0.0/08", "10.0.0.0/", "10.0.0.0/123",
        "10.0.0.1-10.0.0.9", "10.0.0.9-10.0.0.1", "::1", "fe80::/64", " 10.0.0.1", "10.0.0.1 ", "1.2.3.4/5/6", "", ".", "1..2.3",
    ]

    @Test(arguments: literals)
    func theFastPathAgreesWithTheFullReading(_ text: String) {
        var copy = text
        let fast = copy.withUTF8(AddressLiteral.plainIPv4)
        switch AddressLiteral.parseInFull(text) {
        case .valid(let block):
            // The full reading accepts it; the fast path may leave it to the full reading.
            if let fast { #expect(fast.family == block.family && fast.start == block.start, "\(text)") }
        case .invalid:
            #expect(fast == nil, "the fast path accepts '\(text)', which is invalid")
        }
    }

    @Test func plainAddressesAndBlocksTakeTheFastPath() {
        for text in ["10.0.0.1", "0.0.0.0", "10.0.0.0/8", "192.168.1.0/24"] {
            var copy = text
            #expect(copy.withUTF8(AddressLiteral.plainIPv4) != nil, "\(text)")
        }
    }
}
