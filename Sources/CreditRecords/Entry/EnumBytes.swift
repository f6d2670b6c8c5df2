#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An enumeration's raw values as bytes (its byte forms in a stored entry), so a reader
/// reads an enumeration straight from the entry without making a String of it.
public struct EnumTable<E: RawRepresentable & CaseIterable & Sendable>: Sendable where E.RawValue == String {
    @usableFromInline let entries: [(bytes: [UInt8], value: E)]

    public init() { entries = E.allCases.map { (Array($0.rawValue.utf8), $0) } }

    @inlinable public func value(_ text: UnsafeBufferPointer<UInt8>) -> E? {
        for entry in entries where entry.bytes.count == text.count {
            if entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, text.baseAddress!, text.count) == 0 }) { return entry.value }
        }
        return nil
    }

    /// The position in declaration order of the case whose byte form is `text`: a set of
    /// cases as bits without a `Set` or `Dictionary`, which would hash each case's String
    /// (a raw-value enumeration hashes its raw value; the export read one per record).
    @inlinable public func ordinal(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        for (i, entry) in entries.enumerated() where entry.bytes.count == text.count {
            if entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, text.baseAddress!, text.count) == 0 }) { return i }
        }
        return nil
    }

    /// The bit `1 << ordinal` of `value`, for sets made with `ordinal(_:)`.
    public func bit(_ value: E) -> UInt32 {
        UInt32(1) << UInt32(entries.firstIndex { $0.value.rawValue == value.rawValue }!)
    }
}

/// The enumerations of the entry format, each with its table of byte forms.
public protocol ByteReadableEnum: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    static var byteTable: EnumTable<Self> { get }
}

extension ByteReadableEnum {
    /// The raw values in declaration order: what the kind table and the JSON Schemas list.
    public static var rawValues: [String] { allCases.map(\.rawValue) }
}

extension RecordKind: ByteReadableEnum { public static let byteTable = EnumTable<RecordKind>() }
extension IdType: ByteReadableEnum { public static let byteTable = EnumTable<IdType>() }
extension PartyCategory: ByteReadableEnum { public static let byteTable = EnumTable<PartyCategory>() }
extension PenaltyCategory: ByteReadableEnum { public static let byteTable = EnumTable<PenaltyCategory>() }
extension BanRole: ByteReadableEnum { public static let byteTable = EnumTable<BanRole>() }
extension BanReason: ByteReadableEnum { public static let byteTable = EnumTable<BanReason>() }
extension BanScope: ByteReadableEnum { public static let byteTable = EnumTable<BanScope>() }
extension InspectionType: ByteReadableEnum { public static let byteTable = EnumTable<InspectionType>() }
extension InspectionResult: ByteReadableEnum { public static let byteTable = EnumTable<InspectionResult>() }
extension InspectionArea: ByteReadableEnum { public static let byteTable = EnumTable<InspectionArea>() }
extension Severity: ByteReadableEnum { public static let byteTable = EnumTable<Severity>() }
extension EnforcementMeasure: ByteReadableEnum { public static let byteTable = EnumTable<EnforcementMeasure>() }
extension RevocationReason: ByteReadableEnum { public static let byteTable = EnumTable<RevocationReason>() }
extension FilingAction: ByteReadableEnum { public static let byteTable = EnumTable<FilingAction>() }
extension InstitutionType: ByteReadableEnum { public static let byteTable = EnumTable<InstitutionType>() }
extension ReviewResult: ByteReadableEnum { public static let byteTable = EnumTable<ReviewResult>() }
