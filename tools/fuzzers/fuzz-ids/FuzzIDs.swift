// Fuzz target: the identifier validators (GB 11643 resident IDs and 2023 foreign permanent
// resident IDs, GB 32100 unified social credit codes, GB/T 2260 region codes, permits,
// passports). Check characters are recomputed here from the standards' definitions, not
// from the validators' tables. Built with `-sanitize=fuzzer -Xswiftc -DFUZZING` by tools/fuzz;
// a plain build makes a replayer for the files named on its command line.
import FuzzSupport
import CreditRecords

let today = LocalDate(year: 2026, month: 11, day: 22)!

/// ISO 7064 MOD 11-2 as GB 11643 states it: weights 2^(18-i) mod 11, check = (12 - Σ mod 11) mod 11, 10 → X.
func mod11_2(_ digits: [UInt8]) -> UInt8 {
    var sum = 0, weight = 1
    var weights = [Int](repeating: 0, count: 17)
    for i in (0..<17).reversed() { weight = weight * 2 % 11; weights[i] = weight }
    for i in 0..<17 { sum += Int(digits[i] - 0x30) * weights[i] }
    let c = (12 - sum % 11) % 11
    return c == 10 ? UInt8(ascii: "X") : UInt8(0x30 + c)
}

/// GB 32100: weights 3^i mod 31, check = 31 - Σ mod 31 (31 → 0), over `0-9A-HJ-NPQRTUWXY`.
let usccAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
func mod31(_ chars: [UInt8]) -> UInt8? {
    var sum = 0, weight = 1
    for i in 0..<17 {
        guard let v = usccAlphabet.firstIndex(of: chars[i]) else { return nil }
        sum += v * weight
        weight = weight * 3 % 31
    }
    return usccAlphabet[(31 - sum % 31) % 31]
}

func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
func realDate(_ b: ArraySlice<UInt8>) -> Bool {
    let n = b.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    let y = n / 10000, m = n / 100 % 100, d = n % 100
    guard y >= 1800, (1...12).contains(m), d >= 1 else { return false }
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return d <= days && (y, m, d) <= (2026, 11, 22)
}

func checkResident18(_ text: String, _ result: Result<String, IdentifierProblem>, what: String) {
    guard case .success(let value) = result else { return }
    let b = Array(value.utf8), input = Array(text.utf8)
    check(b.count == 18 && b[0..<17].allSatisfy(isDigit), "\(what): accepted a number that is not 17 digits + check")
    check(input.count == 18 && input[0..<17] == b[0..<17] && (input[17] == b[17] || (input[17] == UInt8(ascii: "x") && b[17] == UInt8(ascii: "X"))),
          "\(what): normalisation changed more than a lower-case x")
    check(mod11_2(b) == b[17], "\(what): accepted a wrong GB 11643 check character")
    check(realDate(b[6..<14]), "\(what): accepted an impossible or future birth date")
}

func fuzzOne(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)

    let resident = ResidentID.validate(text, today: today)
    checkResident18(text, resident, what: "resident ID")
    if case .success(let value) = resident {
        check(RegionCode.isProvince(String(decoding: Array(value.utf8)[0..<2], as: UTF8.self)) || value.hasPrefix("83"), "resident ID: bad province accepted")
        check((try? ResidentID.validate(value, today: today).get()) == value, "resident ID: the normalised number does not re-validate")
    }

    let foreign = ForeignPermanentResidentID.validate(text, today: today)
    if case .success(let value) = foreign {
        let b = Array(value.utf8)
        if b.count == 18 {
            checkResident18(text, foreign, what: "foreign permanent resident ID")
            check(b[0] == UInt8(ascii: "9"), "foreign permanent resident ID: 18 characters not starting with 9")
        } else {
            check(b.count == 15 && b[0..<3].allSatisfy { $0 >= 0x41 && $0 <= 0x5A } && b[3...].allSatisfy(isDigit),
                  "foreign permanent resident ID: bad 15-character shape accepted")
        }
    }

    if USCC.validate(text) == nil {
        let b = Array(text.utf8)
        check(b.count == 18 && b.allSatisfy(usccAlphabet.contains), "USCC: accepted characters outside the alphabet")
        check(mod31(b) == b[17], "USCC: accepted a wrong GB 32100 check character")
    }

    if RegionCode.validate(text) == nil {
        let b = Array(text.utf8)
        check(b.count == 6 && b.allSatisfy(isDigit), "region code: not six digits")
        check(!(b[2] == 0x30 && b[3] == 0x30) || (b[4] == 0x30 && b[5] == 0x30), "region code: county under no city accepted")
    }

    if case .success = PassportNumber.validate(text) {
        check((5...20).contains(bytes.count) && bytes.allSatisfy { isDigit($0) || ($0 >= 0x41 && $0 <= 0x5A) }, "passport: bad shape accepted")
    }
    if case .success = HKMacauPermitNumber.validate(text) {
        check([9, 11].contains(bytes.count) && (bytes[0] == 0x48 || bytes[0] == 0x4D) && bytes.dropFirst().allSatisfy(isDigit), "HK/Macau permit: bad shape accepted")
    }
    if case .success = TaiwanPermitNumber.validate(text) {
        check([8, 10].contains(bytes.count) && bytes.prefix(8).allSatisfy(isDigit), "Taiwan permit: bad shape accepted")
    }

    // Check-character functions agree with the independent computation on every input
    // mapped into their alphabets.
    if bytes.count >= 17 {
        let digits = bytes.prefix(17).map { 0x30 + $0 % 10 }
        check(ResidentID.checkCharacter(for: String(decoding: digits, as: UTF8.self)).map { Array(String($0).utf8) } == [mod11_2(digits)],
              "ResidentID.checkCharacter disagrees with MOD 11-2")
        let chars = bytes.prefix(17).map { usccAlphabet[Int($0) % usccAlphabet.count] }
        check(USCC.checkCharacter(for: String(decoding: chars, as: UTF8.self)).map { Array(String($0).utf8) } == mod31(chars).map { [$0] },
              "USCC.checkCharacter disagrees with mod 31")
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
@main
enum Replay {
    static func main() { replayFiles("fuzz-ids", fuzzOne) }
}
#endif
