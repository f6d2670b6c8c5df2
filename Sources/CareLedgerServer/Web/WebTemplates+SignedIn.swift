/// Sign-in and the institution's background check (issue 18 part 2). Every form carries the
/// CSRF token; the ID number travels only in a POST body and comes back only masked.
extension WebTemplates {
    static let signIn = #"""
    <h1>登录</h1>
    <form class="card" method="post" action="/signin">
      <input type="hidden" name="csrf" value="{{csrf}}">
      {{#problem}}<p class="notice bad" role="alert" id="signin-problem">{{problem}}</p>{{/problem}}
      <label for="token">访问令牌</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required maxlength="200">
      <p class="help">令牌由本级管理员发放。请勿与他人共用；离开电脑前请退出登录。</p>
      <button type="submit">登录</button>
    </form>
    {{> signin-password}}
    """#

    static let checkForm = #"""
    <h1>从业人员背景查询</h1>
    <p class="lead">录用前或年度复查时，查询拟聘或在职人员是否被禁止从事托育服务。查询须经本人书面授权，每次查询都会记入访问日志，本人可以查看。</p>
    <form class="card" method="post" action="/hr/check" novalidate>
      <input type="hidden" name="csrf" value="{{csrf}}">
      {{#formProblem}}<p class="notice bad" role="alert">{{formProblem}}</p>{{/formProblem}}
      <div class="field{{#err_idType}} invalid{{/err_idType}}">
        <label for="idType">证件类型</label>
        <select id="idType" name="idType">
          {{#idTypes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/idTypes}}
        </select>
        {{#err_idType}}<p class="error" id="idType-error">{{err_idType}}</p>{{/err_idType}}
      </div>
      <div class="field{{#err_idNumber}} invalid{{/err_idNumber}}">
        <label for="idNumber">证件号码</label>
        <input id="idNumber" name="idNumber" autocomplete="off" maxlength="40" value="{{idNumber}}"{{#err_idNumber}} aria-describedby="idNumber-error" aria-invalid="true"{{/err_idNumber}}>
        {{#err_idNumber}}<p class="error" id="idNumber-error">{{err_idNumber}}</p>{{/err_idNumber}}
      </div>
      <div class="field{{#err_name}} invalid{{/err_name}}">
        <label for="name">姓名</label>
        <input id="name" name="name" autocomplete="off" maxlength="50" value="{{name}}"{{#err_name}} aria-describedby="name-error" aria-invalid="true"{{/err_name}}>
        {{#err_name}}<p class="error" id="name-error">{{err_name}}</p>{{/err_name}}
      </div>
      <div class="field{{#err_purpose}} invalid{{/err_purpose}}">
        <label for="purpose">查询目的</label>
        <select id="purpose" name="purpose">
          {{#purposes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/purposes}}
        </select>
        {{#err_purpose}}<p class="error" id="purpose-error">{{err_purpose}}</p>{{/err_purpose}}
      </div>
      <div class="field{{#err_consentRef}} invalid{{/err_consentRef}}">
        <label for="consentRef">本人授权书编号</label>
        <input id="consentRef" name="consentRef" autocomplete="off" maxlength="64" value="{{consentRef}}"{{#err_consentRef}} aria-describedby="consentRef-error" aria-invalid="true"{{/err_consentRef}}>
        <p class="help">填写本机构存档的授权书编号（字母、数字和 . _ / -），不要填写姓名、证件号或电话。</p>
        {{#err_consentRef}}<p class="error" id="consentRef-error">{{err_consentRef}}</p>{{/err_consentRef}}
      </div>
      <button type="submit">查询</button>
    </form>
    """#

    static let checkResult = #"""
    <h1>查询结果</h1>
    <section class="result {{statusClass}}" aria-live="polite">
      <p class="verdict" id="verdict">{{status}}</p>
      <p>{{explanation}}</p>
    </section>
    <dl class="facts card">
      <dt>被查询人</dt><dd>{{maskedName}}（{{idType}} {{maskedNumber}}）</dd>
      {{^nameMatches}}<dt>姓名核对</dt><dd class="bad">所填姓名与记录不一致，请核对证件。</dd>{{/nameMatches}}
      <dt>查询目的</dt><dd>{{purpose}}</dd>
      <dt>查询编号</dt><dd class="code" id="check-id">{{checkId}}</dd>
      <dt>依据</dt><dd>截至日志第 {{treeSize}} 条记录</dd>
    </dl>
    {{#has_findings}}
    <h2>记录</h2>
    <table class="list">
      <thead><tr><th>类别</th><th>事由</th><th>决定机关</th><th>决定日期</th><th>文书号</th><th>期限</th>{{#has_basis}}<th>依据</th>{{/has_basis}}</tr></thead>
      <tbody>
      {{#findings}}
      <tr><td>{{kind}}</td><td>{{reason}}</td><td>{{authority}}</td><td>{{decidedAt}}</td><td>{{decisionNo}}</td><td>{{until}}</td>{{#has_basis}}<td>{{basis}}</td>{{/has_basis}}</tr>
      {{/findings}}
      </tbody>
    </table>
    {{/has_findings}}
    {{#qr}}
    <section class="receipt card" id="receipt">
      <h2>查询回执</h2>
      <div class="receipt-grid">
        <div class="qr">{{{qr}}}</div>
        <dl class="facts">
          <dt>查询编号</dt><dd class="code">{{checkId}}</dd>
          <dt>查询机构</dt><dd>{{institution}}</dd>
          <dt>查询时间</dt><dd>{{at}}</dd>
          <dt>访问日志</dt><dd>第 {{accessSeq}} 条</dd>
          <dt>依据检查点</dt><dd>信用记录日志第 {{treeSize}} 条</dd>
        </dl>
      </div>
      <p class="help">扫描二维码或打开 <span class="code">{{receiptURL}}</span> 可核验本回执：确认本次查询已按上述内容记入访问日志。核验页面不显示被查询人的证件号码。</p>
    </section>
    {{/qr}}
    <p class="print-hide">用浏览器的“打印”（Ctrl+P）打印本页即为查询回执。 <a href="/hr/check">再查一人</a></p>
    """#
}

extension WebTemplates {
    /// The public page a receipt's QR code opens (no sign-in): what was recorded, never whom.
    static let receipt = #"""
    <h1>查询回执核验</h1>
    <section class="result {{tone}}">
      <p class="verdict" id="receipt-verdict">{{verdict}}</p>
      <p>{{explanation}}</p>
    </section>
    <dl class="facts card">
      <dt>查询编号</dt><dd class="code" id="receipt-check-id">{{checkId}}</dd>
      <dt>查询时间</dt><dd>{{at}}</dd>
      <dt>查询机构</dt><dd>{{institution}}</dd>
      <dt>查询目的</dt><dd>{{purpose}}</dd>
      <dt>查询结果</dt><dd id="receipt-status">{{status}}</dd>
      <dt>访问日志</dt><dd>第 {{accessSeq}} 条，共 {{treeSize}} 条</dd>
    </dl>
    <section>
      <h2>证明</h2>
      <p>叶子哈希（SHA-256）：<span class="code">{{leafHash}}</span></p>
      <p>包含证明（{{proofCount}} 个节点）：</p>
      <ol class="code proof">{{#proof}}<li>{{.}}</li>{{/proof}}</ol>
      <p>访问日志的签名检查点：</p>
      <pre class="note">{{checkpoint}}</pre>
      <p class="help">任何人都可以用访问日志的验证公钥核对检查点签名，并用包含证明重新计算根哈希（<a href="/log">如何核验</a>）。</p>
    </section>
    """#
}

/// The templates, registered once (a template that does not parse stops the start).
enum WebTemplates {}
