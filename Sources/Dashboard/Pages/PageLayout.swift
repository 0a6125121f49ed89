/// The frame of every page: the header with its navigation and the logout button, the CSRF token as a meta
/// tag (read by the page script and by forms' hidden fields), a small stylesheet, and the script that
/// follows `/events`. The stylesheet and the script are the only inline blocks, and the
/// Content-Security-Policy allows exactly these texts by their hashes: no `style` attribute, no event
/// handler attribute, no other `<script>` anywhere.
enum PageLayout {
    struct Link {
        var title: String
        var href: String
        var current: Bool
    }

    struct Model {
        var title: String
        var csrf: String?
        var nav: [Link]
        var hasNav: Bool
        /// Already HTML: the page's own template output.
        var body: String
        var live: Bool
        var liveTask: String?
    }

    static func links(current: PageTemplates.Section) -> [Link] {
        [
            Link(title: "Overview", href: "/", current: current == .overview),
            Link(title: "Approvals", href: "/approvals", current: current == .approvals),
            Link(title: "Audit", href: "/audit", current: current == .audit),
        ]
    }

    static let template = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{#csrf}}<meta name="csrf-token" content="{{csrf}}">{{/csrf}}
        <title>{{title}} · Codex Companion</title>
        <style>\(stylesheet)</style>
        </head>
        <body{{#liveTask}} data-live-task="{{liveTask}}"{{/liveTask}}>
        <header><span class="brand">Codex Companion</span>{{#hasNav}}<nav>{{#nav}}<a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{title}}</a>{{/nav}}</nav>{{/hasNav}}{{#csrf}}<form method="post" action="/logout" id="logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Log out</button></form>{{/csrf}}</header>
        <main>
        {{{body}}}
        </main>
        {{#live}}<script>\(script)</script>{{/live}}
        </body>
        </html>
        """

    static let stylesheet = """
        :root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa;--card:#fff;--accent:#0969da;\
        --ok:#1a7f37;--okbg:#dafbe1;--bad:#cf222e;--badbg:#ffebe9;--warn:#9a6700;--warnbg:#fff8c5}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
        header{display:flex;gap:2rem;align-items:center;padding:.6rem 1.5rem;background:var(--card);border-bottom:1px solid var(--line)}
        .brand{font-weight:600}
        nav a{margin-right:1.2rem;color:var(--fg);text-decoration:none}
        nav a[aria-current]{color:var(--accent);font-weight:600;border-bottom:2px solid var(--accent)}
        main{max-width:72rem;margin:1.2rem auto;padding:0 1.5rem}
        a{color:var(--accent)}
        h1{font-size:1.4rem;margin:.4rem 0 1rem}
        h2{font-size:1.1rem;margin:1.4rem 0 .6rem}
        .card,.box{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.8rem 1rem;margin-bottom:1rem}
        .card>:first-child,.box>:first-child{margin-top:0}
        .card>:last-child,.box>:last-child{margin-bottom:0}
        .box.note{background:#ddf4ff;border-color:#54aeff}
        table{border-collapse:collapse;width:100%;background:var(--card)}
        th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
        th{background:var(--bg);font-weight:600}
        code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
        pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem;overflow:auto}
        .muted{color:var(--muted)}
        .status{display:inline-block;padding:0 .5rem;border-radius:1rem;background:var(--bg);border:1px solid var(--line);font-size:.85rem}
        .status.done,.status.ok{background:var(--okbg);color:var(--ok)}
        .status.failed,.status.interrupted{background:var(--badbg);color:var(--bad)}
        .status.running,.status.waiting,.status.queued{background:var(--warnbg);color:var(--warn)}
        .progress{white-space:pre-wrap;margin:.5rem 0 0;padding-left:.7rem;border-left:3px solid var(--warnbg)}
        .prompt{white-space:pre-wrap}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}
        dl.facts dt{color:var(--muted)}
        dl.facts dd{margin:0}
        .fail{color:var(--bad);font-weight:600}
        .answer blockquote{margin:0;padding-left:1rem;border-left:3px solid var(--line);color:var(--muted)}
        .diff{padding:0}
        .diff span{display:block;padding:0 .8rem;white-space:pre}
        .diff .add{background:var(--okbg)}
        .diff .del{background:var(--badbg)}
        .diff .hunk{background:#ddf4ff;color:var(--muted)}
        .diff .file{font-weight:700;background:#eaeef2}
        #logout{margin-left:auto}
        #audit-filter label{margin-right:1rem}
        select{font:inherit}
        button{font:inherit;padding:.3rem .8rem;border:1px solid var(--line);border-radius:6px;background:var(--card);cursor:pointer}
        button.primary{background:var(--ok);color:#fff;border-color:var(--ok)}
        textarea{width:100%;min-height:7rem;font:inherit;padding:.5rem}
        figure{margin:0}
        figcaption{color:var(--muted);font-size:.85rem}
        """

    /// Follows `/events` and, when something happens (to this page's task, when it has one), fetches the
    /// page again and swaps its `<main>`: at most once a second, whatever the rate of events. The body's
    /// `data-live="open"` says the stream is open.
    static let script = """
        (function(){
        if(!window.EventSource||!window.fetch)return;
        var task=document.body.getAttribute('data-live-task');var timer=null,last=0;
        function refresh(){timer=null;last=Date.now();
        fetch(location.href,{credentials:'same-origin',headers:{'Accept':'text/html'}})
        .then(function(r){if(!r.ok)throw new Error('status '+r.status);return r.text();})
        .then(function(html){var next=new DOMParser().parseFromString(html,'text/html').querySelector('main');
        var main=document.querySelector('main');if(next&&main){main.replaceWith(next);}else{location.reload();}})
        .catch(function(){location.reload();});}
        function schedule(){if(timer)return;timer=setTimeout(refresh,Math.max(0,1000-(Date.now()-last)));}
        function idOf(d){if(!d||typeof d!=='object')return null;
        var keys=['taskID','taskId','task_id'];for(var i=0;i<keys.length;i++){if(d[keys[i]]!=null)return String(d[keys[i]]);}
        if(d.task&&typeof d.task==='object'&&d.task.id!=null)return String(d.task.id);return null;}
        function onEvent(e){if(task){var d=null;try{d=JSON.parse(e.data);}catch(x){}
        var id=idOf(d);if(id!==null&&id!==task)return;}schedule();}
        var source=new EventSource('/events');
        source.onopen=function(){document.body.setAttribute('data-live','open');};
        ['message','queued','started','progressed','finished','notRun','approvalRequested','approvalResolved','task','state']
        .forEach(function(t){source.addEventListener(t,onEvent);});
        })();
        """
}
