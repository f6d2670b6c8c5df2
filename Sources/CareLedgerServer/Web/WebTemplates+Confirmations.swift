/// The inspectors' confirmation page (WebConfirmationPages).
extension WebTemplates {
    static let confirmations = #"""
    <h1>待确认的终身禁入</h1>
    <p class="lead">{{authority}}：终身禁入及其撤销须由本机关另一名检查员签名确认后才生效；确认前，背景核查显示为“待确认”的记录，不显示为禁止从业。</p>
    <p>浏览器中没有检查员的私钥：请把下面的确认内容存为文件，在本人电脑上运行
    <code>careledger sign --key 本人私钥.pem --key-id {{keyId}} --file confirm.json</code>，再把输出的 JSON 粘贴到表单中提交。</p>
    {{^has_rows}}<p class="notice" id="no-pending">本机关没有待确认的记录。</p>{{/has_rows}}
    {{#rows}}
    <section class="card pending" id="pending-{{seq}}">
      <h2>第 {{seq}} 条：{{what}}</h2>
      {{#problem}}<div class="notice bad" role="alert"><p>{{problem}}</p></div>{{/problem}}
      <p>确认内容（confirm.json）：</p>
      <pre class="code">{{document}}</pre>
      <form method="post" action="/confirmations/{{seq}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="signed-{{seq}}">careledger sign 的输出</label>
        <textarea id="signed-{{seq}}" name="signed" rows="4"></textarea>
        <button type="submit">确认</button>
      </form>
    </section>
    {{/rows}}
    """#

    static let confirmationDone = #"""
    <h1>已确认</h1>
    <section class="result ok"><p class="verdict" id="confirmation-seq">第 {{seq}} 条记录</p><p>对第 {{target}} 条记录的确认已写入信用记录日志，自此生效。</p></section>
    <p><a href="/confirmations">返回待确认列表</a></p>
    """#
}
