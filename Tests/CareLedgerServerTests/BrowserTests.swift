import Foundation
import LedgerTestSupport
import Testing

/// The web pages in a real browser (issue 18): tools/browser/run.py drives headless Chromium
/// through Selenium against `careledger demo`: public search and the institution page; HR
/// sign-in, an inline error at the ID number, a banned person's check answered in red with the
/// ID masked; the result printed to one A4 page whose text (pdftotext) carries the check id
/// and only the masked number and whose QR code (pdftoppm, zbarimg) opens the receipt as
/// valid; cross-site form posts without the CSRF token refused (403) with neither the access
/// log nor the records log growing; an inspector's penalty on a person with a wrong ID check
/// character shown at that input and not written until fixed; the subject-code flow (/me,
/// an objection and its answer); a lifetime ban confirmed by a second inspector; the admin
/// pages and password sign-in; no CSP violation. Desktop and 390-px phone screenshots (which
/// must not scroll sideways) are saved by every run in .build/browser-screenshots. It runs when
/// Chromium, its driver, Selenium, zbarimg and poppler's tools are installed; .ci/run
/// installs them and sets CARELEDGER_REQUIRE_BROWSER=1, so on CI a missing browser fails
/// instead of skipping.
@Suite struct BrowserTests {
    static let root = PropertyClientTests.root
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let driver = ["/usr/bin/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let seleniumImportable = (try? PropertyClientTests.python(["-c", "import selenium"]).wait()).map(PropertyClientTests.status) == 0
    /// The printed result is read back with these (zbar-tools, poppler-utils).
    static let tools = ["zbarimg", "pdftotext", "pdftoppm"]
    static let missingTools = tools.filter { !FileManager.default.isExecutableFile(atPath: "/usr/bin/\($0)") }
    static let required = ProcessInfo.processInfo.environment["CARELEDGER_REQUIRE_BROWSER"] == "1"
    static let ready = chromium != nil && driver != nil && seleniumImportable && missingTools.isEmpty && PropertyClientTests.careledger != nil

    @Test func prerequisitesArePresentWhereRequired() {
        if Self.required {
            #expect(Self.chromium != nil, "chromium is not installed")
            #expect(Self.driver != nil, "chromedriver is not installed")
            #expect(Self.seleniumImportable, "selenium is not importable")
            #expect(Self.missingTools.isEmpty, "not installed: \(Self.missingTools.joined(separator: ", "))")
            #expect(PropertyClientTests.careledger != nil, "careledger is not built")
        }
    }

    @Test(.enabled(if: BrowserTests.ready, "needs chromium, chromium-driver, zbar-tools, poppler-utils and `pip3 install selenium` (as .ci/run installs)"),
          .timeLimit(.minutes(5)))
    func pagesWorkInHeadlessChromium() async throws {
        let id = UUID().uuidString
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("careledger-browser-\(id).log")
        // Every run saves its screenshots where the next run replaces them (never committed:
        // .build is ignored); docs/screenshots holds the few the README shows.
        let screenshots = Self.root.appendingPathComponent(".build/browser-screenshots")
        try? FileManager.default.removeItem(at: screenshots)
        defer { try? FileManager.default.removeItem(at: output) }
        let status = PropertyClientTests.status(try await PropertyClientTests.python(
            [Self.root.appendingPathComponent("tools/browser/run.py").path, "--binary", PropertyClientTests.careledger!,
             "--screenshots", screenshots.path],
            output: output).exit())
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        let counted = text.range(of: #"browser checks: \d+ passed"#, options: .regularExpression) != nil
        #expect(status == 0, "tools/browser/run.py exited \(status); screenshots so far are in \(screenshots.path):\n\(text.suffix(6000))")
        #expect(counted, "no pass count; screenshots are in \(screenshots.path):\n\(text.suffix(2000))")
    }
}
