/// The paged lists (issue 18): an institution's own checks, an authority's own records, the
/// public penalties. None shows a person: the history has no identity at all (the access log
/// holds a keyed hash), the records list and the 公示 the public members only.
extension WebTemplates {
    static let hrChecks = #"""
    <h1>本机构查询记录</h1>
    <p class="lead">{{institution}}的所有账号所做的背景查询，最新的在前。查询记录只保存被查询人的加密标识，不保存姓名和证件号码；请凭授权书编号查找本机构存档的授权书。</p>
    <p><a href="/hr/check">新的查询</a></p>
    {{#has_rows}}
    <table class="list" id="checks">
      <thead><tr><th>查询时间</th><th>查询编号</th><th>查询目的</th><th>结果</th><th>授权书编号</th><th>查询账号</th><th>回执</th></tr></thead>
      <tbody>
      {{#rows}}
      <tr><td>{{at}}</td><td class="code">{{checkId}}</td><td>{{purpose}}</td><td><span class="status {{tone}}">{{status}}</span></td>
        <td class="code">{{consentRef}}</td><td class="code">{{principal}}</td><td><a href="{{receipt}}">核验回执</a></td></tr>
      {{/rows}}
      </tbody>
    </table>
    {{/has_rows}}
    {{^has_rows}}<p>{{#first}}本机构还没有查询记录。{{/first}}{{^first}}没有更早的查询记录。{{/first}}</p>{{/has_rows}}
    {{#next}}<p><a href="/hr/checks?before={{next}}">更早的记录</a></p>{{/next}}
    """#

    static let authorityRecords = #"""
    <h1>本机关记录</h1>
    <p class="lead">以{{authority}}名义录入的记录，最新的在前。列表只显示公开信息；当事人等个人信息不在列表中显示。</p>
    <form class="search card" method="get" action="/records">
      <label for="kind">记录类型</label>
      <select id="kind" name="kind"><option value="">全部</option>{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select>
      <label for="from">决定日期自</label>
      <input id="from" name="from" type="date" value="{{from}}">
      <label for="to">至</label>
      <input id="to" name="to" type="date" value="{{to}}">
      <label for="status">状态</label>
      <select id="status" name="status">{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select>
      <button type="submit">筛选</button>
    </form>
    {{#problem}}<p class="notice bad" role="alert">{{problem}}</p>{{/problem}}
    {{#searched}}
    {{#has_rows}}
    <table class="list" id="records">
      <thead><tr><th>日志序号</th><th>类型</th><th>日期</th><th>文书号</th><th>机构</th><th>状态</th></tr></thead>
      <tbody>
      {{#rows}}
      <tr><td class="code">{{seq}}</td><td>{{kind}}</td><td>{{date}}</td><td>{{decisionNo}}</td>
        <td>{{#uscc}}<a href="/institutions/{{uscc}}">{{institution}}</a>{{/uscc}}{{^uscc}}{{institution}}{{/uscc}}</td>
        <td><span class="status {{tone}}">{{status}}</span></td></tr>
      {{/rows}}
      </tbody>
    </table>
    {{/has_rows}}
    {{^has_rows}}<p>没有符合条件的记录。</p>{{/has_rows}}
    {{#next}}<p><a href="{{next}}">更早的记录</a></p>{{/next}}
    {{/searched}}
    """#

    static let penalties = #"""
    <h1>行政处罚公示</h1>
    <p class="lead">公示期内针对托育机构的行政处罚，按决定日期从新到旧排列。已撤销或经信用修复提前结束公示的处罚不再显示。</p>
    <form class="search inline-search" method="get" action="/public/penalties">
      <label for="region">区县代码</label>
      <input id="region" name="region" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" value="{{region}}">
      <button type="submit">筛选</button>
    </form>
    {{#problem}}<p class="notice bad" role="alert">{{problem}}</p>{{/problem}}
    {{^problem}}
    <p>共 {{total}} 条。</p>
    {{#has_rows}}
    <table class="list" id="penalties">
      <thead><tr><th>机构</th><th>决定文书号</th><th>决定日期</th><th>处罚类别</th><th>处罚机关</th><th>公示截止</th></tr></thead>
      <tbody>
      {{#rows}}
      <tr><td><a href="/institutions/{{uscc}}">{{name}}</a></td><td>{{decisionNo}}</td><td>{{decidedAt}}</td><td>{{categories}}</td><td>{{authority}}</td><td>{{publicUntil}}</td></tr>
      {{/rows}}
      </tbody>
    </table>
    {{/has_rows}}
    <p>{{#previous}}<a href="{{previous}}">上一页</a> {{/previous}}{{#next}}<a href="{{next}}">下一页</a>{{/next}}</p>
    <p class="asof">截至日志第 {{treeSize}} 条记录。</p>
    {{/problem}}
    """#
}
