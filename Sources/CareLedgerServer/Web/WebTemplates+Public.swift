/// Pages anyone may open (issue 18 part 1): search, an institution, the closures list, the log.
extension WebTemplates {
    static let home = #"""
    <h1>托育机构信用信息查询</h1>
    <p class="lead">查询托育机构的备案、检查、行政处罚和关停情况。信息来自各级卫生健康和市场监管部门的公示记录。</p>
    <form class="search card" method="get" action="/institutions" role="search">
      <label for="q">机构名称或统一社会信用代码（按区县查询时可不填）</label>
      <input id="q" name="q" type="search" maxlength="60" placeholder="例如：温州市瓯海区某某托育中心">
      <label for="region">所在区县（行政区划代码，可不填）</label>
      <input id="region" name="region" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" placeholder="例如：330304">
      <button type="submit">查询</button>
    </form>
    <ul class="links">
      <li><a href="/public/closures">关停、吊销与查封公示</a></li>
      <li><a href="/log">如何核验记录没有被篡改或删除</a></li>
      <li><a href="/receipts">核验查询回执</a></li>
      <li><a href="/signin">托育机构、监管部门登录</a></li>
    </ul>
    """#

    static let search = #"""
    <h1>查询结果</h1>
    <form class="search inline-search" method="get" action="/institutions" role="search">
      <label for="q">机构名称或统一社会信用代码</label>
      <input id="q" name="q" type="search" maxlength="60" value="{{query}}">
      <label for="region">区县代码</label>
      <input id="region" name="region" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" value="{{region}}">
      <button type="submit">查询</button>
    </form>
    {{#problem}}<p class="notice bad" role="alert">{{problem}}</p>{{/problem}}
    {{^problem}}
    <p>共找到 {{count}} 家机构{{#more}}（仅显示前 {{count}} 家，请缩小范围）{{/more}}。</p>
    {{#has_rows}}
    <table class="list">
      <thead><tr><th>机构名称</th><th>统一社会信用代码</th><th>区县</th><th>状态</th></tr></thead>
      <tbody>
      {{#rows}}
      <tr><td><a href="/institutions/{{uscc}}">{{name}}</a></td><td class="code">{{uscc}}</td><td>{{region}}</td><td><span class="status {{statusClass}}">{{status}}</span></td></tr>
      {{/rows}}
      </tbody>
    </table>
    {{/has_rows}}
    {{/problem}}
    """#

    static let institution = #"""
    <p class="crumbs"><a href="/">机构查询</a> › 机构详情</p>
    <h1>{{name}}</h1>
    <p class="status-line">当前状态：<span class="status {{statusClass}}">{{status}}</span></p>
    <dl class="facts card">
      <dt>统一社会信用代码</dt><dd class="code">{{uscc}}</dd>
      {{#region}}<dt>所在区县</dt><dd>{{region}}</dd>{{/region}}
      {{#address}}<dt>地址</dt><dd>{{address}}</dd>{{/address}}
      {{#type}}<dt>机构性质</dt><dd>{{type}}</dd>{{/type}}
      {{#capacity}}<dt>托位数</dt><dd>{{capacity}}</dd>{{/capacity}}
      {{#legalRepresentative}}<dt>法定代表人</dt><dd>{{legalRepresentative}}</dd>{{/legalRepresentative}}
      {{#filingNo}}<dt>备案编号</dt><dd>{{filingNo}}（{{filedAt}}）</dd>{{/filingNo}}
    </dl>
    <section>
      <h2>行政处罚（公示期内）</h2>
      {{#has_penalties}}
      <table class="list">
        <thead><tr><th>决定文书号</th><th>决定日期</th><th>处罚类别</th><th>处罚机关</th><th>公示截止</th></tr></thead>
        <tbody>{{#penalties}}<tr><td>{{decisionNo}}</td><td>{{decidedAt}}</td><td>{{categories}}</td><td>{{authority}}</td><td>{{publicUntil}}</td></tr>{{/penalties}}</tbody>
      </table>
      {{/has_penalties}}
      {{#penaltiesCut}}<p class="more">仅显示最近 {{shown}} 条，共 {{total}} 条；全部记录见公开接口 <span class="code">/v1/institutions/{{uscc}}</span>。</p>{{/penaltiesCut}}
      {{^has_penalties}}<p>无公示期内的行政处罚。</p>{{/has_penalties}}
    </section>
    <section>
      <h2>检查情况</h2>
      {{#has_inspections}}
      <table class="list">
        <thead><tr><th>检查日期</th><th>检查类型</th><th>结果</th><th>检查机关</th></tr></thead>
        <tbody>{{#inspections}}<tr><td>{{inspectedAt}}</td><td>{{type}}</td><td>{{result}}</td><td>{{authority}}</td></tr>{{/inspections}}</tbody>
      </table>
      {{/has_inspections}}
      {{#inspectionsCut}}<p class="more">仅显示最近 {{shown}} 条，共 {{total}} 条；全部记录见公开接口 <span class="code">/v1/institutions/{{uscc}}</span>。</p>{{/inspectionsCut}}
      {{^has_inspections}}<p>暂无检查记录。</p>{{/has_inspections}}
    </section>
    <section>
      <h2>年审</h2>
      {{#has_reviews}}
      <table class="list">
        <thead><tr><th>年度</th><th>结果</th><th>审核日期</th></tr></thead>
        <tbody>{{#reviews}}<tr><td>{{year}}</td><td>{{result}}</td><td>{{reviewedAt}}</td></tr>{{/reviews}}</tbody>
      </table>
      {{/has_reviews}}
      {{#reviewsCut}}<p class="more">仅显示最近 {{shown}} 条，共 {{total}} 条；全部记录见公开接口 <span class="code">/v1/institutions/{{uscc}}</span>。</p>{{/reviewsCut}}
      {{^has_reviews}}<p>暂无年审记录。</p>{{/has_reviews}}
    </section>
    <p class="asof">以上信息截至日志第 {{treeSize}} 条记录（<a href="/log">如何核验</a>）。</p>
    """#

    static let closures = #"""
    <h1>关停、吊销与查封公示</h1>
    <form class="search inline-search" method="get" action="/public/closures">
      <label for="region">区县代码</label>
      <input id="region" name="region" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" value="{{region}}">
      <button type="submit">筛选</button>
    </form>
    {{#problem}}<p class="notice bad" role="alert">{{problem}}</p>{{/problem}}
    {{#groups}}
    <section>
      <h2>{{status}}</h2>
      {{#has_rows}}
      <table class="list">
        <thead><tr><th>机构名称</th><th>统一社会信用代码</th><th>区县</th></tr></thead>
        <tbody>{{#rows}}<tr><td><a href="/institutions/{{uscc}}">{{name}}</a></td><td class="code">{{uscc}}</td><td>{{region}}</td></tr>{{/rows}}</tbody>
      </table>
      {{/has_rows}}
      {{^has_rows}}<p>无。</p>{{/has_rows}}
      {{#more}}<p class="more"><a href="{{more}}">{{moreLabel}}</a></p>{{/more}}
    </section>
    {{/groups}}
    {{#all}}<p><a href="{{all}}">返回全部类别</a></p>{{/all}}
    <p class="asof">截至日志第 {{treeSize}} 条记录。</p>
    """#

    /// A receipt checked by hand: the two numbers printed on it, for whoever cannot scan the
    /// QR code (a faxed or photocopied receipt).
    static let receiptLookup = #"""
    <h1>核验查询回执</h1>
    <p class="lead">输入查询回执上印有的访问日志序号和查询编号，即可核验该次查询是否已如实记录。核验结果不显示被查询人的姓名或证件号码。</p>
    <form class="card" method="get" action="/receipts">
      <div class="field{{#err_seq}} invalid{{/err_seq}}">
        <label for="seq">访问日志序号（回执上“访问日志 第 N 条”中的 N）</label>
        <input id="seq" name="seq" inputmode="numeric" maxlength="20" autocomplete="off" value="{{seq}}"{{#err_seq}} aria-describedby="seq-error" aria-invalid="true"{{/err_seq}}>
        {{#err_seq}}<p class="error" id="seq-error">{{err_seq}}</p>{{/err_seq}}
      </div>
      <div class="field{{#err_check}} invalid{{/err_check}}">
        <label for="check">查询编号</label>
        <input id="check" name="check" maxlength="64" autocomplete="off" value="{{check}}"{{#err_check}} aria-describedby="check-error" aria-invalid="true"{{/err_check}}>
        {{#err_check}}<p class="error" id="check-error">{{err_check}}</p>{{/err_check}}
      </div>
      <button type="submit">核验</button>
    </form>
    """#

    static let logPage = #"""
    <h1>日志核验</h1>
    <p class="lead">每一条信用记录都写入一个只能追加的透明日志（Merkle 树）。任何人都可以核验：已公布的记录没有被修改或删除，每次查询也都记录在案。</p>
    <section class="card">
      <h2>最新签名检查点</h2>
      <p>日志名称：<span class="code">{{origin}}</span>，记录数：{{treeSize}}</p>
      <pre class="note">{{checkpoint}}</pre>
      <p>访问日志（每次背景查询一条）记录数：{{accessSize}}</p>
    </section>
    <section>
      <h2>如何独立核验</h2>
      <ol>
        <li>获取检查点：<code>GET /log/checkpoint</code>，用公布的验证公钥核对签名。</li>
        <li>下载日志瓦片（<code>/log/tile/…</code>，C2SP tlog-tiles 格式），重新计算根哈希，应与检查点一致。</li>
        <li>保存本次检查点；下次核验时请求一致性证明 <code>GET /v1/log/proof/consistency?from=旧记录数&amp;to=新记录数</code>，证明新日志包含旧日志的全部内容。</li>
        <li>或使用命令行工具：<code>careledger verify</code>。</li>
      </ol>
      <p>持有查询回执的，可扫描回执上的二维码，或在<a href="/receipts">回执核验页</a>输入回执上的两个编号。</p>
    </section>
    """#
}
