#!/usr/bin/env python3
"""The web pages in a real browser (issue 18): headless Chromium driven by Selenium against
`careledger demo` on a free loopback port. Each step asserts what a user would see; the run
exits non-zero on the first failure and prints what failed (never an ID number).

  1. Public: the home page, a search by part of a name, the institution's page (no ID number
     or banned person's name on it), closures, the log page.
  2. Institution HR: a wrong token refused in Chinese; sign-in (HttpOnly, SameSite=Strict
     cookie); a wrong ID check character shown at its input; a banned demo person's check
     answered 禁止从业 in red with the ID number masked. Printed to PDF: one A4 page whose
     text (pdftotext) has the check id and the masked, never the full, ID number, and whose QR
     code (pdftoppm -r 150, zbarimg) is the on-screen QR's receipt URL; that URL's page says
     回执有效. A cross-site page (another loopback port: same-site, so the session cookie goes
     along) auto-posts the check form without the CSRF token: 403 页面已过期, the access log
     does not grow. Sign-out ends the session.
  3. Inspector: an annual review with a bad USCC, and a penalty on a person (自然人) with a
     wrong ID check character: the Chinese error at that input (aria-invalid), the records
     log unchanged; fixed, each is written (the log grows by one). A cross-site post of a
     penalty without the CSRF token is refused and writes nothing.
  4. The subject-code flow: /me with a one-time code, the ban and the HR check on the
     person, an objection, the inspector's answer.
  5. A lifetime ban confirmed by a second inspector (careledger sign) on /confirmations.
  6. An admin creates a principal with a password; it signs in with it and finds its check
     in the history.
  The browser logs no CSP violation (checked along the way). At a phone's 390 × 844 the
  home, institution, check-result and /me pages do not scroll sideways. With --screenshots
  DIR every step's screenshot is saved there (desktop 1280 px; *-phone.png at 390 px).

  python3 tools/browser/run.py --binary .build/debug/careledger [--screenshots docs/screenshots]

Needs chromium, chromium-driver, zbar-tools, poppler-utils (Debian) and `pip3 install
selenium`; .ci/run installs them.
"""
import argparse, base64, datetime, glob, html, http.server, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, threading, time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException


def replaced(old):
    """A wait condition: `old` (the previous page's <html>) is gone. Chromium sometimes answers
    a lookup of a node of the page being replaced with a plain inspector error ("Node with given
    id does not belong to the document") instead of a stale-element error; both mean replaced."""
    def predicate(_driver):
        try:
            old.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
    return predicate


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_size(base, path):
    """The size of a log by its public signed checkpoint (C2SP: origin, size, root hash)."""
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return int(response.read().decode().split("\n")[1])


def resident_id(first17):
    """An 18-character resident ID number: `first17` and its ISO 7064 MOD 11-2 check character."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


class CrossSite:
    """Pages on another origin (a second loopback port) that post a form to CareLedger as soon as
    they load, as a malicious site would. Another port is cross-origin but same-site, so the
    SameSite=Strict session cookie still goes along and only the CSRF token can stop the post."""
    def __init__(self):
        pages = self.pages = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                page = pages.get(self.path)
                if page is None:
                    self.send_error(404)
                    return
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.origin = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, name, action, fields):
        inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields)
        self.pages["/" + name] = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>领取奖品</title>'
                                  f'<form method="post" action="{html.escape(action)}">{inputs}</form>'
                                  f'<script>document.forms[0].submit()</script></html>')
        return self.origin + "/" + name

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def api(base, path, token=None):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token} if token else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


class Run:
    def __init__(self, base, driver, shots):
        self.base, self.driver, self.shots, self.passed = base, driver, shots, 0

    def check(self, condition, what):
        if not condition:
            raise AssertionError(what)
        self.passed += 1

    def submit(self, css):
        """Clicks a form's button and waits until the next page has replaced this one."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.CSS_SELECTOR, css).click()
        WebDriverWait(self.driver, 20).until(replaced(old))
        WebDriverWait(self.driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def open(self, path):
        self.driver.get(self.base + path)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def shot(self, name):
        if self.shots:
            os.makedirs(self.shots, exist_ok=True)
            self.driver.save_screenshot(os.path.join(self.shots, name + ".png"))

    def phone(self, name, what):
        """At a phone's width (390 × 844) the current page does not scroll sideways; its
        screenshot is `name`. The window is desktop-sized again afterwards."""
        self.driver.set_window_size(390, 844)
        try:
            width = self.driver.execute_script("return window.innerWidth")
            self.check(width <= 400, "the window did not narrow to a phone's width (%s px)" % width)
            self.check(self.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"),
                       "%s scrolls sideways at 390 px" % what)
            self.shot(name)
        finally:
            self.driver.set_window_size(1280, 1400)

    def cross_site_post(self, attacker, name, action, fields, log, what):
        """A page of `attacker` posts `fields` (no CSRF token) to `action` while signed in: the
        browser lands on the 403 "页面已过期" page and the log at `log` does not grow."""
        driver = self.driver
        before = tree_size(self.base, log)
        driver.get(attacker.page(name, self.base + action, fields))
        WebDriverWait(driver, 20).until(lambda d: d.current_url == self.base + action
                                        and d.execute_script("return document.readyState") == "complete")
        status = driver.execute_script("return performance.getEntriesByType('navigation')[0].responseStatus")
        self.check(status == 403, "a cross-site post to %s answered %s, not 403" % (action, status))
        heading = driver.find_element(By.TAG_NAME, "h1").text
        self.check(heading == "页面已过期", "a cross-site post to %s shows %r, not the refusal" % (action, heading))
        self.check(tree_size(self.base, log) == before, "a cross-site post without the CSRF token %s" % what)

    def csp_violations(self):
        return [entry["message"] for entry in self.driver.get_log("browser") if "Content Security Policy" in entry["message"]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--screenshots")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--driver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="careledger-browser-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out = open(os.path.join(data, "..", os.path.basename(data) + ".out"), "w+")
    server = subprocess.Popen([os.path.abspath(args.binary), "demo", "--data", os.path.join(data, "demo"), "--listen", f"127.0.0.1:{port}"],
                              stdout=out, stderr=subprocess.STDOUT, cwd=data)
    driver = attacker = None
    try:
        for _ in range(600):
            out.seek(0)
            if "serving on" in out.read():
                break
            if server.poll() is not None:
                out.seek(0)
                raise SystemExit("careledger demo exited: " + out.read()[-2000:])
            time.sleep(0.1)
        else:
            raise SystemExit("careledger demo did not start within 60 s")
        # "serving on" is printed just before the listener binds: wait until it answers.
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        out.seek(0)
        printed = out.read()
        tokens = {}
        with open(os.path.join(data, "demo", "demo-tokens.txt")) as f:
            for line in f:
                if not line.startswith("#") and line.strip():
                    ident, role, token = line.split("\t")
                    tokens[ident] = token.strip()
        ban_seq = int(re.search(r"/v1/records/(\d+)\S*\s+# ban-perpetrator", printed).group(1))
        record = api(base, f"/v1/records/{ban_seq}?purpose=audit", tokens["auditor-demo"])
        body = (record.get("opened") or {}).get("body") or record["entry"]["body"]
        person = body["person"]
        scene = body["institution"]

        options = webdriver.ChromeOptions()
        options.binary_location = args.chromium
        for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1400", "--lang=zh-CN"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(args.driver), options=options)
        run = Run(base, driver, args.screenshots)
        attacker = CrossSite()

        # 1. Public: the home page, a search by part of a name, the institution's page.
        run.open("/")
        run.check(driver.execute_script("return document.documentElement.lang") == "zh-CN", "home page is not lang=zh-CN")
        run.check("托育机构信用信息查询" in run.text(), "home page heading missing")
        run.shot("home")
        run.phone("home-phone", "the home page")
        fragment = scene["name"][3:9]
        driver.find_element(By.ID, "q").send_keys(fragment)
        run.submit("form.search button")
        run.check("查询结果" in run.text(), "search did not answer")
        links = driver.find_elements(By.CSS_SELECTOR, f"a[href='/institutions/{scene['uscc']}']")
        run.check(len(links) == 1, "search by part of the name did not list the institution")
        old = driver.find_element(By.TAG_NAME, "html")
        links[0].click()
        WebDriverWait(driver, 20).until(replaced(old))
        run.check(scene["name"] in driver.find_element(By.TAG_NAME, "h1").text, "institution page heading")
        run.check("当前状态" in run.text(), "institution page has no status")
        run.check(person["idNumber"] not in driver.page_source, "an ID number on a public page")
        run.check(person["name"] not in driver.page_source, "a banned person's name on a public page")
        run.shot("institution")
        run.phone("institution-phone", "the institution page")

        run.open("/public/closures")
        run.check("关停、吊销与查封公示" in run.text(), "closures page")
        run.open("/log")
        run.check("最新签名检查点" in run.text() and "— careledger" in driver.page_source or "careledger" in driver.page_source, "log page shows no checkpoint")
        run.check(not run.csp_violations(), "CSP violations: %s" % run.csp_violations())

        # 2. An institution's HR signs in and checks a candidate.
        run.open("/hr/check")
        run.check(driver.current_url.endswith("/signin"), "a signed-out check page did not send to sign-in")
        driver.find_element(By.ID, "token").send_keys("not-a-token")
        run.submit("main form button")
        run.check("令牌无效" in run.text(), "a wrong token was not refused in words")
        driver.find_element(By.ID, "token").send_keys(tokens["inst-demo"])
        run.submit("main form button")
        run.check(driver.current_url.endswith("/hr/check"), "sign-in did not lead to the check form")
        cookie = driver.get_cookie("careledger_session")
        run.check(cookie and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict", "session cookie flags: %r" % cookie)
        run.check(driver.execute_script("return document.cookie").find("careledger_session") < 0, "the session cookie is readable by scripts")

        def fill(number, name):
            Select(driver.find_element(By.ID, "idType")).select_by_value("resident_id")
            for field, value in [("idNumber", number), ("name", name), ("consentRef", "SQ-2026-0001")]:
                element = driver.find_element(By.ID, field)
                element.clear()
                element.send_keys(value)
            Select(driver.find_element(By.ID, "purpose")).select_by_value("hiring")
            run.submit("main form button")

        wrong = person["idNumber"][:-1] + ("0" if person["idNumber"][-1] != "0" else "1")
        fill(wrong, person["name"])
        errors = driver.find_elements(By.ID, "idNumber-error")
        run.check(len(errors) == 1 and "校验位" in errors[0].text, "a bad check character was not shown at the ID number field")
        run.check(driver.find_element(By.ID, "idNumber").get_attribute("aria-invalid") == "true", "the bad field is not marked invalid")
        run.shot("check-error")

        spaced = person["idNumber"][:6] + " " + person["idNumber"][6:14] + " " + person["idNumber"][14:]
        fill(spaced, person["name"])
        verdict = driver.find_element(By.ID, "verdict")
        run.check(verdict.text == "禁止从业", "the banned person's verdict reads %r" % verdict.text)
        colour = driver.execute_script("return getComputedStyle(document.querySelector('.result')).color")
        run.check(colour.startswith("rgb(179, 38, 30"), "the barred verdict is not shown in red: %s" % colour)
        run.check(person["idNumber"] not in driver.page_source, "the full ID number is on the result page")
        masked = person["idNumber"][:6] + "********" + person["idNumber"][-4:]
        run.check(masked in run.text(), "the masked ID number is missing")
        run.check(len(driver.find_elements(By.CSS_SELECTOR, "table.list tbody tr")) >= 2, "the findings are not listed")
        run.shot("check-result")
        receipt_id = driver.find_element(By.ID, "check-id").text
        run.check(re.fullmatch(r"[0-9a-f]{32}", receipt_id) is not None, "the check id reads %r" % receipt_id)

        # The receipt's QR code, read from the rendered page as a phone would.
        qr_png = os.path.join(data, "qr.png")
        driver.find_element(By.CSS_SELECTOR, ".qr svg").screenshot(qr_png)
        scanned = subprocess.run(["zbarimg", "--raw", "-q", qr_png], capture_output=True, text=True).stdout.strip()
        run.check(scanned.startswith(base + "/receipts/") and scanned.endswith("/" + receipt_id), "the QR code reads %r" % scanned)

        # Printed, the result fits one A4 page; the paper names the check, shows the ID number
        # only masked, and its QR code (scanned from the rendered PDF) is the same receipt URL.
        pdf_path = os.path.join(data, "check-result.pdf")
        with open(pdf_path, "wb") as f:
            f.write(base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True})["data"]))
        with open(pdf_path, "rb") as f:
            pages = len(re.findall(rb"/Type\s*/Page[^s]", f.read()))
        run.check(pages == 1, "the printed result takes %d pages" % pages)
        printed = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf_path, "-"], capture_output=True, text=True, check=True).stdout
        run.check(receipt_id in printed, "pdftotext does not find the check id in the printed result")
        run.check(person["idNumber"] not in printed, "the printed result carries the full ID number")
        run.check(masked in printed, "the printed result does not carry the masked ID number")
        run.check("禁止从业" in printed, "the printed result does not carry the verdict")
        subprocess.run(["pdftoppm", "-r", "150", "-png", pdf_path, os.path.join(data, "printed")], check=True)
        images = sorted(glob.glob(os.path.join(data, "printed*.png")))
        run.check(len(images) == 1, "pdftoppm rendered %d pages" % len(images))
        printed_qr = subprocess.run(["zbarimg", "--raw", "-q", images[0]], capture_output=True, text=True).stdout.strip()
        run.check(printed_qr == scanned, "the printed QR code reads %r, the screen's %r" % (printed_qr, scanned))
        run.check(not run.csp_violations(), "CSP violations: %s" % run.csp_violations())
        run.phone("check-result-phone", "the check result")

        # The printed QR code opens the public confirmation, which names neither the person
        # nor the number.
        driver.get(printed_qr)
        run.check(driver.find_element(By.ID, "receipt-verdict").text == "回执有效", "the receipt page does not confirm the receipt")
        run.check(driver.find_element(By.ID, "receipt-status").text == "禁止从业", "the receipt page shows another outcome")
        run.check(person["idNumber"] not in driver.page_source and person["name"] not in driver.page_source, "the receipt page names the person")
        run.shot("receipt")

        # A cross-site form post without the CSRF token, with the session cookie present, is
        # refused and makes no check (the access log, where every check is entered, stays put).
        run.cross_site_post(attacker, "hr-check", "/hr/check",
                            [("idType", "resident_id"), ("idNumber", person["idNumber"]), ("name", person["name"]),
                             ("purpose", "hiring"), ("consentRef", "SQ-XSITE-1")],
                            "/access-log/checkpoint", "made a check")
        run.open("/hr/check")

        # Signing out ends the session.
        run.submit("header form button")
        run.open("/hr/check")
        run.check(driver.current_url.endswith("/signin"), "after sign-out the check page still opened")

        # 3. An inspector records an annual review through the form built from the kind table;
        # a mistake is shown at its input, in Chinese, and nothing is recorded until it is fixed.
        run.open("/signin")
        driver.find_element(By.ID, "token").send_keys(tokens["insp-ouhai-health"])
        run.submit("main form button")
        run.check(driver.current_url.endswith("/records/new"), "an inspector's sign-in did not lead to the record forms")
        run.open("/records/new/annual_review")
        def type_into(element_id, value):
            element = driver.find_element(By.ID, element_id)
            element.clear()
            element.send_keys(value)
        type_into("f-institution-name", scene["name"])
        type_into("f-institution-uscc", scene["uscc"][:-1] + ("0" if scene["uscc"][-1] != "0" else "1"))
        type_into("f-year", "2025")
        Select(driver.find_element(By.ID, "f-result")).select_by_value("pass")
        driver.execute_script("document.getElementById('f-reviewedAt').value = '2026-01-20'")
        run.submit("form.record-form button")
        errors = driver.find_elements(By.ID, "f-institution-uscc-error")
        run.check(len(errors) == 1 and "校验位" in errors[0].text, "a bad code was not shown at its input")
        run.shot("record-form-error")
        type_into("f-institution-uscc", scene["uscc"])
        run.submit("form.record-form button")
        run.check(re.match(r"第 \d+ 条记录", driver.find_element(By.ID, "record-seq").text) is not None, "the annual review was not recorded")
        penalty_form(run, attacker, body["authority"])

        subject_flow(run, base, tokens, person, ban_seq)
        # 4. Bans need two people: a second inspector confirms a signed lifetime ban on its page.
        check_ban_confirmation(run, base, os.path.abspath(args.binary), os.path.join(data, "demo"), body)
        admin_pages_and_password_sign_in(run, driver, os.path.join(data, "demo"), scene, person)

        print(f"browser checks: {run.passed} passed")
    finally:
        if driver:
            driver.quit()
        if attacker:
            attacker.close()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        out.close()
        os.remove(out.name)  # the demo's output lists its tokens
        shutil.rmtree(data, ignore_errors=True)


def penalty_form(run, attacker, authority):
    """The issue's case: an inspector records a penalty on a person (自然人) whose ID number has a
    wrong check character. The Chinese error is shown at that input, marked invalid, and the
    records log does not grow; with the number fixed the penalty is written (the log grows by
    one). The same fields posted from another site without the CSRF token write nothing."""
    driver = run.driver
    decided = datetime.date.today() - datetime.timedelta(days=10)
    valid = resident_id("33030419900101" + "357")
    wrong = valid[:-1] + ("1" if valid[-1] != "1" else "2")

    def type_into(element_id, value):
        element = driver.find_element(By.ID, element_id)
        element.clear()
        element.send_keys(value)

    run.open("/records/new/penalty")
    # A fresh form marks nothing as wrong.
    run.check(not driver.find_elements(By.CSS_SELECTOR, ".invalid, [aria-invalid='true']")
              and not [e for e in driver.find_elements(By.CSS_SELECTOR, "p.error") if e.is_displayed()],
              "a fresh penalty form shows a field as wrong")
    Select(driver.find_element(By.ID, "f-party-category")).select_by_value("person")
    type_into("f-party-name", "测试人甲")
    Select(driver.find_element(By.ID, "f-party-idType")).select_by_value("resident_id")
    type_into("f-party-idNumber", wrong)
    type_into("f-decisionNo", f"浏览器罚〔{decided.year}〕1号")
    type_into("f-violationType", "未取得相应资格从事婴幼儿保健工作")
    type_into("f-facts", "当事人未取得保健人员培训合格证明，在托育机构从事保健工作。")
    type_into("f-basis", "《托育机构管理规范（试行）》第二十一条")
    driver.find_element(By.ID, "f-categories-warning").click()
    type_into("f-content", "警告")
    driver.execute_script("document.getElementById('f-decidedAt').value = arguments[0]", decided.isoformat())
    type_into("f-dataSource-name", authority["name"])
    type_into("f-dataSource-uscc", authority["uscc"])
    type_into("f-dataSource-region", authority["region"])
    before = tree_size(run.base, "/log/checkpoint")
    run.submit("form.record-form button")
    errors = driver.find_elements(By.ID, "f-party-idNumber-error")
    run.check(len(errors) == 1 and "证件号码校验位不正确" in errors[0].text,
              "a bad ID number's check character was not shown at its input: %r" % [e.text for e in errors])
    run.check(driver.find_element(By.ID, "f-party-idNumber").get_attribute("aria-invalid") == "true", "the bad ID number input is not marked invalid")
    # The wrong check character is the only problem the form reports.
    others = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "p.error") if e.get_attribute("id") != "f-party-idNumber-error" and e.text.strip()]
    run.check(not others and not driver.find_elements(By.ID, "form-errors"), "the penalty form reports other problems: %r" % others)
    run.check(tree_size(run.base, "/log/checkpoint") == before, "a refused penalty was written to the records log")
    type_into("f-party-idNumber", valid)
    run.submit("form.record-form button")
    done = driver.find_elements(By.ID, "record-seq")
    run.check(len(done) == 1 and done[0].text == "第 %d 条记录" % before, "the fixed penalty was not recorded: %r" % run.text()[:300])
    run.check(tree_size(run.base, "/log/checkpoint") == before + 1, "the records log did not grow by the one penalty")
    run.check(valid not in driver.page_source, "the written page shows the ID number")

    run.cross_site_post(attacker, "penalty", "/records/new/penalty",
                        [("party.category", "person"), ("party.name", "测试人乙"), ("party.idType", "resident_id"),
                         ("party.idNumber", valid), ("decisionNo", f"浏览器罚〔{decided.year}〕2号"),
                         ("violationType", "未取得相应资格从事婴幼儿保健工作"), ("facts", "当事人未取得保健人员培训合格证明。"),
                         ("basis", "《托育机构管理规范（试行）》第二十一条"), ("categories.warning", "on"), ("content", "警告"),
                         ("decidedAt", decided.isoformat()), ("dataSource.name", authority["name"]),
                         ("dataSource.uscc", authority["uscc"]), ("dataSource.region", authority["region"]),
                         ("idempotencyKey", "a" * 64)],
                        "/log/checkpoint", "wrote a record")


def subject_flow(run, base, tokens, person, ban_seq):
    """The person checked (PIPL arts. 44-46): an inspector issues a code after seeing their ID
    (API); the person signs in at /me with it, sees the ban and the HR check made on them,
    files an objection; the inspector (still signed in) sees it, answers, and /me shows the reply."""
    driver = run.driver
    request = urllib.request.Request(base + "/v1/subject-codes", method="POST",
                                     data=json.dumps({"person": person, "caseRef": "OH-SUBJ-1"}).encode(),
                                     headers={"Authorization": "Bearer " + tokens["insp-ouhai-health"], "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        code = json.loads(response.read())["code"]
    run.check(re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", code) is not None, "the subject code has another form")
    run.open("/me")
    driver.find_element(By.ID, "code").send_keys("2222-3333-4444-5555")
    run.submit("main form button")
    run.check("访问码无效" in run.text(), "a wrong code was not refused in words")
    driver.find_element(By.ID, "code").send_keys(code.lower())
    run.submit("main form button")
    run.check(len(driver.find_elements(By.ID, f"record-{ban_seq}")) == 1, "/me does not show the person's ban")
    rows = driver.find_elements(By.CSS_SELECTOR, "#checks tbody tr")
    run.check(len(rows) >= 1 and any("禁止从业" in row.text for row in rows), "/me does not show the HR check made on the person")
    run.check(person["idNumber"] not in driver.page_source, "/me shows the full ID number")
    run.check(not run.csp_violations(), "CSP violations on /me")
    run.shot("me")
    Select(driver.find_element(By.ID, "seq")).select_by_value(str(ban_seq))
    driver.find_element(By.ID, "text").send_keys("本人对该记录中的事实有异议，请予复核。")
    run.submit("#objection-form button")
    run.check("待答复" in run.text() and "请予复核" in run.text(), "the objection is not listed on /me")
    run.open("/objections")
    run.check("本人对该记录中的事实有异议" in run.text(), "the inspector does not see the objection")
    run.shot("objections")
    driver.find_element(By.CSS_SELECTOR, "section.objection textarea").send_keys("经复核，记录属实，维持原决定。")
    run.submit("section.objection form button")
    run.check("已答复" in run.text(), "the objection was not closed by the reply")
    run.open("/me")
    run.check("经复核，记录属实，维持原决定。" in run.text(), "/me does not show the authority's reply")
    run.phone("me-phone", "/me")


def check_ban_confirmation(run, base, binary, demo, ban):
    """Two inspectors of the ban's authority, each with a key (careledger sign --new-key): the
    first appends a signed lifetime ban through the API, which checks show as pending; the
    second opens /confirmations, signs the confirmation the page shows with careledger sign,
    pastes the output and submits it; the ban then bars."""
    driver = run.driver
    run.open("/")
    if driver.find_elements(By.CSS_SELECTOR, "header form button"):
        run.submit("header form button")  # whoever is signed in signs out first
    with open(os.path.join(demo, "admin.token")) as f:
        admin = f.read().strip()
    work = tempfile.mkdtemp(prefix="careledger-bans-")

    def post(path, token, document):
        request = urllib.request.Request(base + path, data=json.dumps(document).encode(), method="POST",
                                         headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def inspector(ident):
        key = os.path.join(work, ident + ".pem")
        printed = subprocess.run([binary, "sign", "--key", key, "--new-key"], capture_output=True, text=True, check=True).stdout
        public = re.search(r"publicKey: (\S+)", printed).group(1)
        created = post("/v1/principals", admin, {"id": ident, "role": "inspector", "authority": ban["authority"], "publicKey": public})
        return key, created["token"]

    try:
        first_key, first = inspector("insp-browser-first")
        second_key, second = inspector("insp-browser-second")
        body = {k: v for k, v in ban.items() if k != "managerOf"}
        body["decisionNo"] = "浏览器禁〔2026〕1号"
        record = os.path.join(work, "ban.json")
        with open(record, "w") as f:
            json.dump({"kind": "ban", "body": body}, f, ensure_ascii=False)
        signed = subprocess.run([binary, "sign", "--key", first_key, "--key-id", "insp-browser-first", "--file", record],
                                capture_output=True, text=True, check=True).stdout
        seq = post("/v1/records", first, json.loads(signed))["seq"]

        run.open("/signin")
        driver.find_element(By.ID, "token").send_keys(second)
        run.submit("main form button")
        run.open("/confirmations")
        sections = driver.find_elements(By.ID, f"pending-{seq}")
        run.check(len(sections) == 1, "the pending ban is not listed for the second inspector")
        run.check(ban["person"]["idNumber"] not in driver.page_source, "the confirmation page shows an ID number")
        # The document to sign is one long JSON line: it wraps instead of widening the page.
        run.check(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"),
                  "the confirmation page scrolls sideways")
        run.shot("confirmations")
        confirm = os.path.join(work, "confirm.json")
        with open(confirm, "w") as f:
            f.write(sections[0].find_element(By.CSS_SELECTOR, "pre").text)
        output = subprocess.run([binary, "sign", "--key", second_key, "--key-id", "insp-browser-second", "--file", confirm],
                                capture_output=True, text=True, check=True).stdout
        driver.find_element(By.ID, f"signed-{seq}").send_keys(output.strip())
        run.submit(f"#pending-{seq} form button")
        done = driver.find_elements(By.ID, "confirmation-seq")
        run.check(len(done) == 1 and re.match(r"第 \d+ 条记录", done[0].text) is not None, "the confirmation was not recorded")
        run.open("/confirmations")
        run.check(len(driver.find_elements(By.ID, f"pending-{seq}")) == 0, "a confirmed ban is still listed as pending")
        run.submit("header form button")
    finally:
        shutil.rmtree(work, ignore_errors=True)
def admin_pages_and_password_sign_in(run, driver, demo_data, scene, person):
    """An administrator creates an institution principal with a password (the token shown
    once), that principal signs in with the password (a wrong one answers in Chinese), runs a
    check, and finds it in its institution's check history."""
    with open(os.path.join(demo_data, "admin.token")) as f:
        admin_token = f.read().strip()
    run.open("/signin")
    if driver.find_elements(By.CSS_SELECTOR, "header form button"):
        run.submit("header form button")
        run.open("/signin")
    driver.find_element(By.ID, "token").send_keys(admin_token)
    run.submit("main form button")
    run.check(driver.current_url.endswith("/admin/principals"), "an admin's sign-in did not lead to the principal list")
    run.check("账号管理" in run.text(), "the principal list has no heading")
    driver.find_element(By.CSS_SELECTOR, "a[href='/admin/principals/new']").click()
    WebDriverWait(driver, 20).until(lambda d: d.current_url.endswith("/admin/principals/new"))
    password = "浏览器测试-correct-horse-7"
    for field, value in [("id", "hr-browser"), ("orgName", scene["name"]), ("orgUscc", scene["uscc"]), ("orgRegion", "330304"), ("password", password)]:
        driver.find_element(By.ID, field).send_keys(value)
    Select(driver.find_element(By.ID, "role")).select_by_value("institution")
    run.submit("main form button")
    token = driver.find_element(By.ID, "token").text
    run.check(len(token) == 43, "the new principal's token is not shown")
    run.check("只在此页显示这一次" in driver.find_element(By.ID, "token-warning").text, "no warning that the token is shown once")
    run.shot("admin-token")
    run.open("/admin/principals")
    run.check("hr-browser" in run.text() and token not in driver.page_source, "the list shows the token again or misses the principal")
    rotate = driver.find_element(By.CSS_SELECTOR, "#principal-hr-browser form button")
    run.check(rotate.is_displayed() and rotate.value_of_css_property("color") != "rgba(255, 255, 255, 1)", "the rotate button cannot be seen")
    run.shot("admin-principals")
    run.check(not run.csp_violations(), "CSP violations: %s" % run.csp_violations())
    run.submit("header form button")

    run.open("/signin")
    driver.find_element(By.ID, "principalId").send_keys("hr-browser")
    driver.find_element(By.ID, "password").send_keys(password + "x")
    run.submit("main form:nth-of-type(2) button")
    run.check("账号或密码错误" in run.text(), "a wrong password was not refused in Chinese")
    driver.find_element(By.ID, "principalId").send_keys("hr-browser")
    driver.find_element(By.ID, "password").send_keys(password)
    run.submit("main form:nth-of-type(2) button")
    run.check(driver.current_url.endswith("/hr/check"), "password sign-in did not lead to the check form")

    Select(driver.find_element(By.ID, "idType")).select_by_value("resident_id")
    for field, value in [("idNumber", person["idNumber"]), ("name", person["name"]), ("consentRef", "SQ-BROWSER-1")]:
        driver.find_element(By.ID, field).send_keys(value)
    run.submit("main form button")
    check_id = driver.find_element(By.ID, "check-id").text
    run.open("/hr/checks")
    rows = driver.find_elements(By.CSS_SELECTOR, "#checks tbody tr")
    run.check(rows and check_id in rows[0].text and "SQ-BROWSER-1" in rows[0].text, "the check just made is not first in the history")
    run.check(person["idNumber"] not in driver.page_source and person["name"] not in driver.page_source, "the history names the person")
    run.shot("hr-checks")
    run.submit("header form button")


if __name__ == "__main__":
    main()
