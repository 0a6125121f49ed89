extension TaskPage {
    /// The task page. `#live` holds what changes while the task runs; the layout's script swaps the page's
    /// `<main>` when an event about this task arrives, and `data-task-status` says where the task stands.
    static let template = """
        <h1>Task #{{id}} <span class="status {{status}}" id="task-status" data-task-status="{{status}}">{{status}}</span></h1>
        <section class="card">
        <dl class="facts">
        <dt>Project</dt><dd>{{#sessionsHref}}<a href="{{sessionsHref}}">{{project}}</a>{{/sessionsHref}}\
        {{^sessionsHref}}{{project}}{{/sessionsHref}}</dd>
        <dt>Prompt</dt><dd class="prompt" id="prompt-text">{{prompt}}</dd>
        {{#facts}}<dt>{{term}}</dt><dd>{{#iso}}<time datetime="{{iso}}">{{value}}</time>{{/iso}}{{^iso}}{{value}}{{/iso}}</dd>
        {{/facts}}
        </dl>
        </section>
        <div id="live">
        {{#running}}
        <section class="card" id="progress">
        <h2>Progress</h2>
        {{#hasProgress}}<div class="progress">{{#progress}}<div>{{.}}</div>{{/progress}}</div>{{/hasProgress}}
        {{^hasProgress}}<p class="muted">Running in another companion process (the terminal): the result shows here when it ends.</p>{{/hasProgress}}
        </section>
        {{/running}}
        {{#ended}}
        <section class="card" id="result">
        <h2>{{headline}}</h2>
        {{#reason}}<p><em>{{reason}}</em></p>{{/reason}}
        {{#answerHTML}}<div class="answer">{{{answerHTML}}}</div>{{/answerHTML}}
        {{#noAnswer}}<p class="muted">Codex finished without writing an answer.</p>{{/noAnswer}}
        {{#hasFiles}}
        <h3>Files changed ({{fileCount}})</h3>
        <ul class="files">{{#files}}<li>{{marker}} <code>{{path}}</code>{{#counts}} <span class="muted">({{counts}})</span>{{/counts}}</li>{{/files}}</ul>
        {{/hasFiles}}
        {{#hasCommands}}
        <h3>Commands{{#failedText}} <span class="fail">({{failedText}})</span>{{/failedText}}</h3>
        <ul class="commands">
        {{#commands}}<li{{#failed}} class="fail"{{/failed}}>{{mark}} <code>{{text}}</code> ({{code}})\
        {{#output}}<details><summary>output</summary><pre>{{output}}</pre></details>{{/output}}</li>
        {{/commands}}
        </ul>
        {{/hasCommands}}
        {{#tokens}}<p class="muted">Tokens: {{tokens}}</p>{{/tokens}}
        </section>
        {{/ended}}
        {{^ended}}{{^running}}<p class="muted" id="queued">Waiting in the queue.</p>{{/running}}{{/ended}}
        {{#timelineSVG}}
        <section class="card" id="timeline">
        <h2>Timeline</h2>
        <figure>{{{timelineSVG}}}<figcaption>{{timelineCaption}}</figcaption></figure>
        </section>
        {{/timelineSVG}}
        </div>
        {{#diffHTML}}
        <section class="card" id="diff">
        <h2>Changes <span class="muted">{{diffCounts}}</span></h2>
        {{{diffHTML}}}
        </section>
        {{/diffHTML}}
        """
}
