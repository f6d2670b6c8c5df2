import Foundation
import LedgerTestSupport
import Testing

/// The web pages in a real browser: tools/browser/run.py drives headless Chromium through
/// Selenium against `careledger demo` (search, institution page, sign-in, the check form with
/// an inline error and a barred answer in red, masked ID, one printed A4 page, sign-out, no
/// CSP violation). It runs when Chromium, its driver and Selenium are installed; .ci/run
/// installs them and sets CARELEDGER_REQUIRE_BROWSER=1, so on CI a missing browser fails
/// instead of skipping.
@Suite struct BrowserTests {
    static let root = PropertyClientTests.root
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let driver = ["/usr/bin/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let seleniumImportable = (try? PropertyClientTests.python(["-c", "import selenium"]).wait()).map(PropertyClientTests.status) == 0
    static let required = ProcessInfo.processInfo.environment["CARELEDGER_REQUIRE_BROWSER"] == "1"
    static let ready = chromium != nil && driver != nil && seleniumImportable && PropertyClientTests.careledger != nil

    @Test func prerequisitesArePresentWhereRequired() {
        if Self.required {
            #expect(Self.chromium != nil, "chromium is not installed")
            #expect(Self.driver != nil, "chromedriver is not installed")
            #expect(Self.seleniumImportable, "selenium is not importable")
            #expect(PropertyClientTests.careledger != nil, "careledger is not built")
        }
    }

    @Test(.enabled(if: BrowserTests.ready, "needs chromium, chromium-driver and `pip3 install selenium` (as .ci/run installs)"),
          .timeLimit(.minutes(5)))
    func pagesWorkInHeadlessChromium() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("careledger-browser-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: output) }
        let status = PropertyClientTests.status(try await PropertyClientTests.python(
            [Self.root.appendingPathComponent("tools/browser/run.py").path, "--binary", PropertyClientTests.careledger!],
            output: output).exit())
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(status == 0, "tools/browser/run.py exited \(status):\n\(text.suffix(6000))")
        #expect(text.range(of: #"browser checks: \d+ passed"#, options: .regularExpression) != nil, "\(text.suffix(2000))")
    }
}
