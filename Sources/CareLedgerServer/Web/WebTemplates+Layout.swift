/// The page frame every page renders into (docs/web.md). Mustache escapes `{{x}}` for HTML;
/// `{{{content}}}` is the inner page, itself rendered from these templates.
extension WebTemplates {
    static let layout = #"""
    <!doctype html>
    <html lang="zh-CN">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · 托育机构信用信息服务</title>
    <link rel="stylesheet" href="/static/site.css">
    </head>
    <body>
    <header class="site">
      <a class="brand" href="/">托育机构信用信息服务</a>
      <nav aria-label="主导航">
        <a href="/">机构查询</a>
        <a href="/public/closures">关停公示</a>
        <a href="/public/penalties">处罚公示</a>
        <a href="/log">日志核验</a>
        {{#signedIn}}
        {{#isInstitution}}<a href="/hr/check">从业人员查询</a>{{/isInstitution}}
        {{#isInspector}}<a href="/records/new">录入记录</a>{{/isInspector}}
        {{#isInspector}}<a href="/objections">异议处理</a>{{/isInspector}}
        {{#isInstitution}}<a href="/hr/checks">查询记录</a>{{/isInstitution}}
        {{#isInspector}}<a href="/records">本机关记录</a>{{/isInspector}}
        {{#isAdmin}}<a href="/admin/principals">账号管理</a>{{/isAdmin}}
        <span class="who">{{who}}</span>
        <form class="inline" method="post" action="/signout">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <button type="submit" class="link">退出登录</button>
        </form>
        {{/signedIn}}
        {{^signedIn}}<a href="/signin">登录</a>{{/signedIn}}
      </nav>
    </header>
    <main id="main">
    {{{content}}}
    </main>
    <footer class="site">
      <p>本服务依据《中华人民共和国个人信息保护法》处理个人信息：查询须有合法目的并经本人授权，每次查询均记入可审计的访问日志。</p>
      <p>公开信息仅含法定公示字段；记录的完整性可通过<a href="/log">日志核验</a>独立验证。</p>
    </footer>
    </body>
    </html>
    """#

    /// A page that only says something (not found, a refusal).
    static let message = #"""
    <h1>{{heading}}</h1>
    <p class="notice {{tone}}">{{text}}</p>
    <p><a href="{{back}}">返回</a></p>
    """#
}
