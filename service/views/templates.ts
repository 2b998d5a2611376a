import Handlebars from 'handlebars';

/** Views are Handlebars with its default HTML escaping: every value placed in a page is escaped. */
const views = Handlebars.create();

views.registerPartial(
  'layout-start',
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1d2430; }
  h1 { font-size: 1.6rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; }
  dt { color: #5b6575; } dd { margin: 0; font-weight: 600; }
  form { margin: 1.5rem 0; display: flex; gap: .6rem; align-items: center; }
  input[type=number] { width: 6rem; padding: .3rem; }
  button { padding: .35rem 1rem; }
  .note { color: #5b6575; }
  .error { color: #a4161a; }
  iframe { width: 100%; height: 22rem; border: 1px solid #d0d6e0; }
  h2 { font-size: 1.15rem; margin-top: 1.8rem; }
  #strip { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem; }
  #strip li { border-left: .5rem solid; background: #f2f4f8; padding: .15rem .4rem; font-size: .8rem; }
  table { border-collapse: collapse; } td, th { text-align: left; padding: .15rem .8rem .15rem 0; }
</style>
</head>
<body>`,
);
views.registerPartial('layout-end', '</body>\n</html>\n');
// The live CPU graph, on the home page and the load page alike.
views.registerPartial(
  'grafana-panel',
  `{{#if panelUrl}}
<iframe id="grafana" title="CPU usage per pod (Grafana)" src="{{panelUrl}}"></iframe>
{{else}}
<p id="no-grafana" class="note">No Grafana panel is configured for this service (GRAFANA_PANEL_URL is not set), so no live graph is shown here.</p>
{{/if}}
`,
);

/** Only our helpers and partials are used, so Handlebars can generate simpler, faster code. */
const options = { knownHelpers: { concat: true }, knownHelpersOnly: false, data: false } as const;

export const homePage = views.compile(
  `{{> layout-start title=(concat "Hello from " nodeName)}}
<h1>Hello from the k3s-playbook stress service</h1>
<dl>
  <dt>Node</dt><dd id="node">{{nodeName}}</dd>
  <dt>Pod</dt><dd id="pod">{{podName}}</dd>
  <dt>Visitor number</dt><dd id="visitor">{{visitor}}</dd>
  <dt>CPU load</dt><dd id="load">{{#if load.running}}running on {{load.workers}} CPU(s), {{load.secondsLeft}} s left{{else}}idle{{/if}}</dd>
</dl>
<form action="/load" method="post">
  <label for="duration">CPU load for</label>
  <input type="number" id="duration" name="duration" min="1" max="{{maxSeconds}}" step="1" value="60" required>
  <span>seconds</span>
  <button type="submit">Commit</button>
</form>
<p class="note">The load uses the CPUs this pod may use ({{cpuLimit}} from {{cpuSource}}).</p>
<h2>Who answered</h2>
<p class="note">The page asks once a second, each time on a new connection, so the Service spreads the questions over the pods.</p>
<p id="shares">Waiting for the first answer.</p>
<ol id="strip"></ol>
<h2>Autoscaler</h2>
<p id="hpa">Reading the cluster.</p>
<table><thead><tr><th>Pod</th><th>Node</th><th>Phase</th><th>Ready</th><th>Restarts</th></tr></thead><tbody id="pod-rows"></tbody></table>
<h2>Load every pod</h2>
<form id="spread-form">
  <label for="parallel">Requests in flight</label>
  <input type="number" id="parallel" min="1" max="32" step="1" value="8" required>
  <label for="seconds">for</label>
  <input type="number" id="seconds" min="1" max="120" step="1" value="30" required>
  <span>seconds</span>
  <button type="submit" id="spread-start">Start</button>
  <button type="button" id="spread-stop" disabled>Stop</button>
</form>
<p id="spread-stats">Idle. Each request costs its pod about 20 ms of CPU; the load stops by itself.</p>
{{> grafana-panel}}
<script src="/live.js" defer></script>
{{> layout-end}}`,
  options,
);

export const loadPage = views.compile(
  `{{> layout-start title="CPU load"}}
<h1>CPU load</h1>
<p id="result">{{message}}</p>
<dl>
  <dt>Pod</dt><dd>{{podName}}</dd>
  <dt>Node</dt><dd>{{nodeName}}</dd>
</dl>
{{> grafana-panel}}
<p><a href="/" id="back">Back</a></p>
{{> layout-end}}`,
  options,
);

export const errorPage = views.compile(
  `{{> layout-start title=title}}
<h1>{{title}}</h1>
<p class="error" id="error">{{message}}</p>
<p><a href="/">Back</a></p>
{{> layout-end}}`,
  options,
);

views.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));

/** What the home page shows. */
export interface HomeView {
  nodeName: string;
  podName: string;
  visitor: number;
  load: { running: boolean; workers?: number; secondsLeft?: number };
  maxSeconds: number;
  cpuLimit: number;
  cpuSource: string;
  panelUrl?: string;
}

// Stands where the visitor number goes. Values come from the environment and numbers, and an
// environment variable cannot hold NUL, so the mark occurs nowhere else in the page.
const VISITOR_MARK = '\u0000visitor\u0000';

/**
 * The home page, rendered again only when something but the visitor number changed (the load status
 * changes at most once a second): each request then only puts its number between two fixed parts.
 */
export function homePageCache(): (view: HomeView) => string {
  let key: string | undefined;
  let parts: [string, string] = ['', ''];
  return (view) => {
    // Every field but the visitor number, joined by NUL (which no value holds): cheaper than JSON per request.
    const { load } = view;
    const viewKey = `${view.nodeName}\0${view.podName}\0${view.maxSeconds}\0${view.cpuLimit}\0${view.cpuSource}\0${view.panelUrl}\0${load.running}\0${load.workers}\0${load.secondsLeft}`;
    if (viewKey !== key) {
      const html = homePage({ ...view, visitor: VISITOR_MARK });
      const at = html.indexOf(VISITOR_MARK);
      parts = [html.slice(0, at), html.slice(at + VISITOR_MARK.length)];
      key = viewKey;
    }
    return parts[0] + String(view.visitor) + parts[1];
  };
}
