/// The inspectors' record forms (issue 18 part 3), one template for every kind: the groups
/// come from the kind table (WebRecordForm).
extension WebTemplates {
    static let recordKinds = #"""
    <h1>录入记录</h1>
    <p class="lead">以{{authority}}的名义录入。记录一经写入不可修改或删除；错误的记录请录入“撤销 / 更正”。</p>
    <ul class="links">
      {{#kinds}}<li><a href="/records/new/{{kind}}">{{label}}</a></li>{{/kinds}}
    </ul>
    """#

    static let recordForm = #"""
    <p class="crumbs"><a href="/records/new">录入记录</a> › {{title}}</p>
    <h1>{{title}}</h1>
    <p class="lead">录入机关：{{authority}}。带 * 的为必填项。身份证号、手机号等个人信息只能填在当事人栏目，不得写入公示摘要。</p>
    <form class="card record-form" method="post" action="/records/new/{{kind}}" novalidate>
      <input type="hidden" name="csrf" value="{{csrf}}">
      <input type="hidden" name="idempotencyKey" value="{{idempotencyKey}}">
      {{#has_otherErrors}}<div class="notice bad" role="alert" id="form-errors"><p>请修改以下问题后重新提交：</p><ul>{{#otherErrors}}<li>{{.}}</li>{{/otherErrors}}</ul></div>{{/has_otherErrors}}
      {{#groups}}
      <fieldset class="group{{#error}} invalid{{/error}}">
        <legend>{{label}}{{#required}} *{{/required}}</legend>
        {{#help}}<p class="help">{{help}}</p>{{/help}}
        {{#error}}<p class="error">{{error}}</p>{{/error}}
        {{#isInputs}}
        {{#inputs}}
        <div class="field{{#error}} invalid{{/error}}">
          <label for="{{id}}">{{label}}</label>
          {{#isInput}}<input id="{{id}}" name="{{name}}" type="{{type}}" value="{{value}}" autocomplete="off"{{#error}} aria-invalid="true" aria-describedby="{{id}}-error"{{/error}}>{{/isInput}}
          {{#isTextarea}}<textarea id="{{id}}" name="{{name}}" rows="3"{{#error}} aria-invalid="true" aria-describedby="{{id}}-error"{{/error}}>{{value}}</textarea>{{/isTextarea}}
          {{#isSelect}}<select id="{{id}}" name="{{name}}">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>{{/isSelect}}
          {{#error}}<p class="error" id="{{id}}-error">{{error}}</p>{{/error}}
        </div>
        {{/inputs}}
        {{/isInputs}}
        {{#isChecks}}
        <div class="checks">{{#checks}}<label class="check"><input type="checkbox" id="{{id}}" name="{{name}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/checks}}</div>
        {{/isChecks}}
      </fieldset>
      {{/groups}}
      <button type="submit">提交</button>
    </form>
    """#

    static let recordCreated = #"""
    <h1>已写入</h1>
    <section class="result ok"><p class="verdict" id="record-seq">第 {{seq}} 条记录</p><p>{{title}}已写入信用记录日志，并包含在签名检查点中。</p></section>
    <dl class="facts card">
      <dt>记录序号</dt><dd>{{seq}}</dd>
      <dt>叶子哈希</dt><dd class="code">{{leafHash}}</dd>
    </dl>
    <p><a href="/records/new/{{kind}}">继续录入{{title}}</a> · <a href="/records/new">录入其他记录</a></p>
    """#
}
