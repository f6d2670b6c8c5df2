/// The one style sheet, served from `/static/site.css` (self-hosted: the CSP allows no other
/// origin). Mobile first; wider screens get more room; print drops navigation so the result
/// page prints on one A4 sheet. System CJK fonts (Noto Sans CJK on Linux, PingFang or
/// Microsoft YaHei elsewhere): no web fonts to download.
enum WebStyle {
    static let css = #"""
    :root { --ink: #1d2733; --muted: #5b6776; --line: #d5dbe3; --bg: #f5f7fa; --brand: #0b4f8a;
      --bad: #b3261e; --bad-bg: #fdecea; --warn: #8a5300; --warn-bg: #fff4e0; --ok: #1b6e3a; --ok-bg: #e7f5ec; }
    * { box-sizing: border-box; }
    html { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; color: var(--ink);
      background: var(--bg); line-height: 1.6; font-size: 16px; }
    body { margin: 0; }
    a { color: var(--brand); }
    header.site { background: var(--brand); color: #fff; padding: .6rem 1rem; display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; }
    header.site a { color: #fff; text-decoration: none; }
    .brand { font-weight: 700; font-size: 1.1rem; margin-right: auto; }
    nav { display: flex; flex-wrap: wrap; gap: .3rem .9rem; align-items: center; }
    nav .who { opacity: .85; font-size: .9rem; }
    main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
    footer.site { max-width: 60rem; margin: 2rem auto 1rem; padding: 0 1rem; color: var(--muted); font-size: .85rem; }
    h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
    h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
    .lead { color: var(--muted); }
    .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin: 1rem 0; }
    label { display: block; font-weight: 600; margin: .6rem 0 .2rem; }
    input, select, button { font: inherit; }
    input, select { width: 100%; padding: .5rem; border: 1px solid #9aa6b5; border-radius: 4px; background: #fff; }
    button { margin-top: 1rem; padding: .55rem 1.4rem; background: var(--brand); color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
    button.link { background: none; color: #fff; padding: 0; margin: 0; text-decoration: underline; }
    form.inline { display: inline; }
    .inline-search { display: grid; gap: .2rem .6rem; grid-template-columns: 1fr; }
    .help { color: var(--muted); font-size: .85rem; margin: .2rem 0; }
    .field.invalid input, .field.invalid select { border-color: var(--bad); background: var(--bad-bg); }
    .error { color: var(--bad); font-size: .9rem; margin: .2rem 0; }
    .notice { padding: .6rem .8rem; border-radius: 4px; }
    .notice.bad { background: var(--bad-bg); color: var(--bad); }
    .notice.info { background: #e8f0fa; }
    table.list { width: 100%; border-collapse: collapse; background: #fff; font-size: .92rem; }
    table.list th, table.list td { border-bottom: 1px solid var(--line); padding: .45rem .4rem; text-align: left; vertical-align: top; }
    table.list th { background: #eef2f6; }
    .code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; letter-spacing: .02em; word-break: break-all; }
    pre.code { white-space: pre-wrap; margin: 0 0 .8rem; }
    dl.facts { display: grid; grid-template-columns: 8rem 1fr; gap: .3rem .8rem; }
    dl.facts dt { color: var(--muted); }
    dl.facts dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
    .status { display: inline-block; padding: .05rem .5rem; border-radius: 3px; font-size: .9rem; }
    .status.ok, .result.ok { background: var(--ok-bg); color: var(--ok); }
    .status.warn, .result.warn { background: var(--warn-bg); color: var(--warn); }
    .status.bad, .result.bad { background: var(--bad-bg); color: var(--bad); }
    .result { border-radius: 6px; padding: .8rem 1rem; border-left: .5rem solid currentColor; }
    .verdict { font-size: 1.6rem; font-weight: 700; margin: 0; }
    dd.bad { color: var(--bad); font-weight: 600; }
    pre.note { white-space: pre-wrap; word-break: break-all; background: #f0f3f7; padding: .6rem; font-size: .8rem; }
    .crumbs, .asof { color: var(--muted); font-size: .85rem; }
    ul.links { padding-left: 1.2rem; }
    /* One column on a phone: the QR code above the facts, whose long lines (a name and its
       code in brackets) would otherwise push the page sideways at 390 px. */
    .receipt-grid { display: grid; grid-template-columns: 1fr; gap: 1rem; align-items: start; }
    .receipt-grid > * { min-width: 0; }
    .qr svg { width: 9rem; height: 9rem; display: block; }
    ol.proof { font-size: .75rem; padding-left: 2rem; }
    fieldset.group { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; padding: .4rem 1rem .8rem; }
    fieldset.group.invalid { border-color: var(--bad); }
    legend { font-weight: 700; padding: 0 .3rem; }
    textarea { width: 100%; font: inherit; padding: .5rem; border: 1px solid #9aa6b5; border-radius: 4px; }
    .field.invalid textarea { border-color: var(--bad); background: var(--bad-bg); }
    .checks { display: flex; flex-wrap: wrap; gap: .2rem 1rem; }
    label.check { font-weight: normal; display: inline-flex; gap: .3rem; align-items: center; margin: .3rem 0; }
    label.check input { width: auto; }
    @media (min-width: 40rem) {
      .inline-search { grid-template-columns: 1fr 8rem auto; align-items: end; }
      .inline-search label { grid-row: 1; }
      .inline-search input, .inline-search button { grid-row: 2; margin-top: 0; }
      .receipt-grid { grid-template-columns: 9rem 1fr; }
    }
    @media print {
      header.site nav, .print-hide, footer.site { display: none; }
      header.site { background: none; color: #000; border-bottom: 2px solid #000; }
      header.site a { color: #000; }
      html { background: #fff; font-size: 11pt; }
      main { max-width: none; padding: 0; }
      @page { size: A4; margin: 15mm; }
      .receipt-grid { grid-template-columns: 9rem 1fr; }
    }
    /* A link-styled button inside the page (the principal list's 更换令牌), not the white header's. */
    main button.link { color: var(--brand); margin-right: .6rem; }
    """#
}
