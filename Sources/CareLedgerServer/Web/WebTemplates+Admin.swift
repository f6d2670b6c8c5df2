/// The administrators' principal pages and the password sign-in form (issue 18 part 4). A
/// token appears on exactly one page, the answer to the form that made it.
extension WebTemplates {
    /// Included in the sign-in page (`{{> signin-password}}`), beside the token form.
    static let signInPassword = #"""
    <h2>使用账号和密码登录</h2>
    <form class="card" method="post" action="/signin">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <label for="principalId">账号</label>
      <input id="principalId" name="principalId" autocomplete="username" required maxlength="64" autocapitalize="none" spellcheck="false">
      <label for="password">密码</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
      <p class="help">密码由管理员在创建账号时设置。连续输错会被暂时限制登录。</p>
      <button type="submit">登录</button>
    </form>
    """#

    static let adminPrincipals = #"""
    <h1>账号管理</h1>
    <p><a href="/admin/principals/new">新建账号</a></p>
    {{#has_rows}}
    <table class="list" id="principals">
      <thead><tr><th>账号</th><th>角色</th><th>所属单位</th><th>创建时间</th><th>令牌到期</th><th>状态</th><th>操作</th></tr></thead>
      <tbody>
      {{#rows}}
      <tr id="principal-{{id}}"><td class="code">{{id}}</td><td>{{role}}</td><td>{{organization}}</td><td>{{created}}</td><td>{{expires}}</td>
        <td><span class="status {{tone}}">{{status}}</span></td>
        <td>{{#active}}
          <form class="inline" method="post" action="/admin/principals/{{id}}/token">
            <input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="link">更换令牌</button>
          </form>
          {{^isSelf}}<a href="/admin/principals/{{id}}/revoke">撤销</a>{{/isSelf}}
        {{/active}}</td></tr>
      {{/rows}}
      </tbody>
    </table>
    {{/has_rows}}
    {{^has_rows}}<p>没有账号。</p>{{/has_rows}}
    {{#next}}<p><a href="/admin/principals?after={{next}}">下一页</a></p>{{/next}}
    """#

    static let adminPrincipalForm = #"""
    <p class="crumbs"><a href="/admin/principals">账号管理</a> › 新建账号</p>
    <h1>新建账号</h1>
    <form class="card" method="post" action="/admin/principals/new" novalidate>
      <input type="hidden" name="csrf" value="{{csrf}}">
      {{#problem}}<p class="notice bad" role="alert">{{problem}}</p>{{/problem}}
      <div class="field{{#err_id}} invalid{{/err_id}}">
        <label for="id">账号</label>
        <input id="id" name="id" value="{{id}}" maxlength="64" autocomplete="off" spellcheck="false"{{#err_id}} aria-invalid="true" aria-describedby="id-error"{{/err_id}}>
        <p class="help">小写字母、数字和 . _ -，例如 ouhai-xiaoxingxing-hr。账号不能重复使用。</p>
        {{#err_id}}<p class="error" id="id-error">{{err_id}}</p>{{/err_id}}
      </div>
      <div class="field{{#err_role}} invalid{{/err_role}}">
        <label for="role">角色</label>
        <select id="role" name="role">{{#roles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/roles}}</select>
        {{#err_role}}<p class="error" id="role-error">{{err_role}}</p>{{/err_role}}
      </div>
      <fieldset class="group">
        <legend>所属单位（监管执法人员填监管部门，托育机构填机构本身；其他角色不填）</legend>
        <div class="field{{#err_orgName}} invalid{{/err_orgName}}">
          <label for="orgName">单位名称</label>
          <input id="orgName" name="orgName" value="{{orgName}}" maxlength="200"{{#err_orgName}} aria-invalid="true" aria-describedby="orgName-error"{{/err_orgName}}>
          {{#err_orgName}}<p class="error" id="orgName-error">{{err_orgName}}</p>{{/err_orgName}}
        </div>
        <div class="field{{#err_orgUscc}} invalid{{/err_orgUscc}}">
          <label for="orgUscc">统一社会信用代码</label>
          <input id="orgUscc" name="orgUscc" value="{{orgUscc}}" maxlength="18"{{#err_orgUscc}} aria-invalid="true" aria-describedby="orgUscc-error"{{/err_orgUscc}}>
          {{#err_orgUscc}}<p class="error" id="orgUscc-error">{{err_orgUscc}}</p>{{/err_orgUscc}}
        </div>
        <div class="field{{#err_orgRegion}} invalid{{/err_orgRegion}}">
          <label for="orgRegion">行政区划代码（监管部门必填）</label>
          <input id="orgRegion" name="orgRegion" value="{{orgRegion}}" inputmode="numeric" maxlength="6"{{#err_orgRegion}} aria-invalid="true" aria-describedby="orgRegion-error"{{/err_orgRegion}}>
          {{#err_orgRegion}}<p class="error" id="orgRegion-error">{{err_orgRegion}}</p>{{/err_orgRegion}}
        </div>
      </fieldset>
      <div class="field{{#err_password}} invalid{{/err_password}}">
        <label for="password">登录密码（可不填；至少 {{minPassword}} 个字符）</label>
        <input id="password" name="password" type="password" autocomplete="new-password" maxlength="256"{{#err_password}} aria-invalid="true" aria-describedby="password-error"{{/err_password}}>
        <p class="help">不填则只能用访问令牌登录。密码只保存其 scrypt 哈希，任何人（包括管理员）都无法查看。</p>
        {{#err_password}}<p class="error" id="password-error">{{err_password}}</p>{{/err_password}}
      </div>
      <button type="submit">创建账号</button>
    </form>
    """#

    static let adminToken = #"""
    <p class="crumbs"><a href="/admin/principals">账号管理</a> › {{heading}}</p>
    <h1>{{heading}}</h1>
    <p class="notice bad" role="alert" id="token-warning">访问令牌只在此页显示这一次，服务只保存其哈希，之后无法再查看。请现在复制，并通过安全的方式交给账号使用人。离开此页后如遗失，只能重新更换令牌。</p>
    <dl class="facts card">
      <dt>账号</dt><dd class="code" id="token-principal">{{id}}</dd>
      <dt>角色</dt><dd>{{role}}</dd>
      <dt>访问令牌</dt><dd><code class="code" id="token">{{token}}</code></dd>
      <dt>令牌到期</dt><dd>{{expires}}</dd>
    </dl>
    <p><a href="/admin/principals">返回账号列表</a></p>
    """#

    static let adminRevoke = #"""
    <p class="crumbs"><a href="/admin/principals">账号管理</a> › 撤销账号</p>
    <h1>撤销账号</h1>
    {{#revoked}}<p class="notice info">该账号已被撤销。</p>{{/revoked}}
    {{^revoked}}
    <p class="notice bad">撤销后，账号 <span class="code">{{id}}</span>（{{role}}{{#organization}}，{{organization}}{{/organization}}）的访问令牌和密码立即失效，已登录的会话随即结束。撤销不可恢复，账号名称也不能再用。</p>
    <form class="card" method="post" action="/admin/principals/{{id}}/revoke">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <button type="submit" id="confirm-revoke">确认撤销</button>
      <a href="/admin/principals">取消</a>
    </form>
    {{/revoked}}
    """#
}
