// WatermarkMarkerTests: the decimal header values of a repartition topic's records, written and read without strings.
import Testing

@testable import RivuletKafka

/// A record's time and origin headers are decimal text written into a buffer of the sink's and read
/// straight from the header bytes: every Int64 comes back, and anything else is refused.
@Suite struct WatermarkMarkerTests {
    @Test(arguments: [Int64.min, Int64.min + 1, -1_767_364_200_000, -1, 0, 7, 1_767_364_200_000, Int64.max])
    func decimalsRoundTrip(value: Int64) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { buffer.deallocate() }
        let end = WatermarkMarker.writeDecimal(value, into: buffer, at: 3)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: buffer[3..<end]), as: UTF8.self)
        #expect(text == String(value))
        #expect(WatermarkMarker.decimal(UnsafeRawBufferPointer(buffer)[3..<end]) == value)
    }

    @Test(arguments: ["", "-", "12a", "9223372036854775808", "--1", "1 ", "12345678901234567890"])
    func malformedDecimalsAreRefused(text: String) {
        Array(text.utf8).withUnsafeBytes { bytes in #expect(WatermarkMarker.decimal(bytes[...]) == nil) }
    }
}
