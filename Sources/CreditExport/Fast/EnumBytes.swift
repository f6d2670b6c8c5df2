import CreditRecords
import Glibc

/// An enumeration's raw values as bytes, so the fast path reads an enumeration straight from
/// the entry without making a String of it.
struct EnumTable<E: RawRepresentable & CaseIterable & Sendable>: Sendable where E.RawValue == String {
    private let entries: [(bytes: [UInt8], value: E)]

    init() { entries = E.allCases.map { (Array($0.rawValue.utf8), $0) } }

    func value(_ text: UnsafeBufferPointer<UInt8>) -> E? {
        for entry in entries where entry.bytes.count == text.count {
            if entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, text.baseAddress!, text.count) == 0 }) { return entry.value }
        }
        return nil
    }
}

/// The enumerations the fast path reads, each with its table.
protocol ByteReadableEnum: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    static var byteTable: EnumTable<Self> { get }
}

extension RecordKind: ByteReadableEnum { static let byteTable = EnumTable<RecordKind>() }
extension IdType: ByteReadableEnum { static let byteTable = EnumTable<IdType>() }
extension PartyCategory: ByteReadableEnum { static let byteTable = EnumTable<PartyCategory>() }
extension PenaltyCategory: ByteReadableEnum { static let byteTable = EnumTable<PenaltyCategory>() }
extension BanRole: ByteReadableEnum { static let byteTable = EnumTable<BanRole>() }
extension BanReason: ByteReadableEnum { static let byteTable = EnumTable<BanReason>() }
extension BanScope: ByteReadableEnum { static let byteTable = EnumTable<BanScope>() }
extension InspectionType: ByteReadableEnum { static let byteTable = EnumTable<InspectionType>() }
extension InspectionResult: ByteReadableEnum { static let byteTable = EnumTable<InspectionResult>() }
extension InspectionArea: ByteReadableEnum { static let byteTable = EnumTable<InspectionArea>() }
extension Severity: ByteReadableEnum { static let byteTable = EnumTable<Severity>() }
extension EnforcementMeasure: ByteReadableEnum { static let byteTable = EnumTable<EnforcementMeasure>() }
extension RevocationReason: ByteReadableEnum { static let byteTable = EnumTable<RevocationReason>() }
