/// The person checked (issue 18 part 5): /me with a one-time code, their records, who checked
/// them, objections; and the inspector's list of objections to answer. Every form carries a
/// CSRF token; nothing here is in a URL but the objection id.
extension WebTemplates {
    static let subjectPages: [(String, String)] = [
        ("me-signin", meSignIn), ("me", me), ("objections", objections),
    ]

    static let meSignIn = #"""
    <h1>查询本人信息</h1>
    <p class="lead">依据《中华人民共和国个人信息保护法》第四十四条、第四十五条，您有权查阅本服务中关于您本人的记录，以及哪些机构查询过您。请持本人有效身份证件到监管部门（卫生健康局等）窗口申请访问码。</p>
    <form class="card" method="post" action="/me">
      <input type="hidden" name="csrf" value="{{csrf}}">
      {{#problem}}<p class="notice bad" role="alert" id="me-problem">{{problem}}</p>{{/problem}}
      <label for="code">访问码</label>
      <input id="code" name="code" autocomplete="off" autocapitalize="characters" maxlength="40" placeholder="XXXX-XXXX-XXXX-XXXX" required>
      <p class="help">访问码共 16 位，由监管部门在核验您的身份证件后当面发放，7 天内有效，最多可登录 5 次。请勿转交他人。</p>
      <button type="submit">查看本人信息</button>
    </form>
    """#

    static let me = #"""
    <h1>本人信息</h1>
    <p class="lead">{{maskedType}} {{maskedNumber}}。以下为截至日志第 {{treeSize}} 条记录时关于您本人的全部记录，以及对您的每一次查询。本页 15 分钟无操作自动退出。</p>
    <form class="inline print-hide" method="post" action="/me/signout">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <button type="submit" id="me-signout">退出本人信息页</button>
    </form>
    <h2>关于我的记录</h2>
    {{#has_records}}
    {{#recordsCut}}<p class="more" id="records-cut">共 {{total}} 条记录，以下为最近 {{shown}} 条。<a href="/me?all=1">查看全部</a></p>{{/recordsCut}}
    {{#shownRecords}}
    <section class="card record" id="record-{{seq}}">
      <h3>{{kind}}（第 {{seq}} 条） <span class="status {{stateClass}}">{{state}}</span></h3>
      <dl class="facts">
        <dt>决定机关</dt><dd>{{authority}}</dd>
        <dt>决定日期</dt><dd>{{decidedAt}}</dd>
        <dt>文书号</dt><dd>{{decisionNo}}</dd>
        {{#details}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/details}}
        {{#erased}}<dt>个人信息</dt><dd>已依法删除</dd>{{/erased}}
      </dl>
    </section>
    {{/shownRecords}}
    {{/has_records}}
    {{^has_records}}<p class="notice info" id="no-records">本服务中没有关于您本人的记录。</p>{{/has_records}}
    <h2>谁查询过我</h2>
    {{#has_checks}}
    <table class="list" id="checks">
      <thead><tr><th>时间</th><th>查询方</th><th>目的</th><th>结果</th></tr></thead>
      <tbody>
      {{#checks}}<tr><td>{{at}}</td><td>{{by}}</td><td>{{purpose}}</td><td>{{status}}</td></tr>{{/checks}}
      </tbody>
    </table>
    {{#checksCut}}<p class="more" id="checks-cut">共被查询 {{total}} 次，以上为最近 {{shown}} 次。<a href="/me?all=1#checks">查看全部</a></p>{{/checksCut}}
    {{/has_checks}}
    {{^has_checks}}<p class="notice info" id="no-checks">尚无机构查询过您。</p>{{/has_checks}}
    <h2 id="objections">我的异议</h2>
    {{#has_objections}}
    {{#objectionsCut}}<p class="more" id="objections-cut">共 {{total}} 条异议，以下为最近 {{shown}} 条。<a href="/me?all=1#objections">查看全部</a></p>{{/objectionsCut}}
    {{#objections}}
    <section class="card objection">
      <p><strong>对第 {{seq}} 条记录（{{kind}} {{decisionNo}}）</strong> · 提出于 {{filedAt}} · <span class="status {{stateClass}}">{{state}}</span></p>
      <p>{{text}}</p>
      {{#reply}}<p class="reply"><strong>{{authority}}答复（{{repliedAt}}）：</strong>{{reply}}</p>{{/reply}}
    </section>
    {{/objections}}
    {{/has_objections}}
    {{#has_records}}
    <form class="card" method="post" action="/me/objections" novalidate id="objection-form">
      <h3>提出异议</h3>
      <p class="help">认为记录有错误、遗漏或不应保留的，可以提出异议并要求更正或删除（《个人信息保护法》第四十六条、第四十七条）。异议将送交作出该记录的机关处理，并在本页答复。</p>
      <input type="hidden" name="csrf" value="{{csrf}}">
      {{#formProblem}}<p class="notice bad" role="alert">{{formProblem}}</p>{{/formProblem}}
      <div class="field{{#err_seq}} invalid{{/err_seq}}">
        <label for="seq">针对的记录</label>
        <select id="seq" name="seq">
          {{#records}}<option value="{{seq}}"{{#selected}} selected{{/selected}}>第 {{seq}} 条 · {{kind}} · {{decisionNo}}</option>{{/records}}
        </select>
        {{#err_seq}}<p class="error" id="seq-error">{{err_seq}}</p>{{/err_seq}}
      </div>
      <div class="field{{#err_text}} invalid{{/err_text}}">
        <label for="text">异议内容</label>
        <textarea id="text" name="text" rows="5" maxlength="1000"{{#err_text}} aria-describedby="text-error" aria-invalid="true"{{/err_text}}>{{text}}</textarea>
        <p class="help">不超过 1000 字。请写明哪一项有误、您认为正确的情况以及依据。</p>
        {{#err_text}}<p class="error" id="text-error">{{err_text}}</p>{{/err_text}}
      </div>
      <div class="field{{#err_contact}} invalid{{/err_contact}}">
        <label for="contact">联系方式（选填）</label>
        <input id="contact" name="contact" maxlength="100" autocomplete="tel" value="{{contact}}">
        <p class="help">仅供处理机关联系您，不公开。</p>
        {{#err_contact}}<p class="error" id="contact-error">{{err_contact}}</p>{{/err_contact}}
      </div>
      <button type="submit">提交异议</button>
    </form>
    {{/has_records}}
    """#

    static let objections = #"""
    <h1>异议处理</h1>
    <p class="lead">本机关记录的当事人依据《个人信息保护法》第四十四条至第四十七条提出的异议。答复后，当事人在“查询本人信息”页面可以看到答复。需要更正的，请另行录入撤销或更正记录。</p>
    {{#problem}}<p class="notice bad" role="alert">{{problem}}</p>{{/problem}}
    {{#has_items}}
    {{#items}}
    <section class="card objection" id="objection-{{id}}">
      <h2>第 {{seq}} 条记录（{{kind}} {{decisionNo}}） <span class="status {{stateClass}}">{{state}}</span></h2>
      <dl class="facts">
        <dt>提出时间</dt><dd>{{filedAt}}</dd>
        <dt>异议内容</dt><dd class="objection-text">{{text}}</dd>
        {{#contact}}<dt>联系方式</dt><dd>{{contact}}</dd>{{/contact}}
        {{#reply}}<dt>答复（{{repliedAt}}）</dt><dd>{{reply}}</dd>{{/reply}}
      </dl>
      {{#open}}
      <form method="post" action="/objections/{{id}}/reply" novalidate>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="reply-{{id}}">答复</label>
        <textarea id="reply-{{id}}" name="reply" rows="4" maxlength="1000"></textarea>
        <button type="submit">答复并办结</button>
      </form>
      {{/open}}
    </section>
    {{/items}}
    {{#answeredCut}}<p class="more" id="answered-cut">已答复的异议仅显示最近 {{shown}} 条（共 {{total}} 条）；全部见接口 <span class="code">GET /v1/tasks</span>。</p>{{/answeredCut}}
    {{/has_items}}
    {{^has_items}}<p class="notice info" id="no-objections">暂无异议。</p>{{/has_items}}
    """#
}
