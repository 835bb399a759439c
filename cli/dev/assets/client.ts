/**
 * The preview site's only script, served as /assets/client.js. It listens to the server's build
 * events (server-sent events) and, after every successful rebuild, fetches the open page's
 * content again and swaps it in place: the page never navigates, so scroll position and typed
 * input survive. A failed build shows the diagnostics overlay; the next good one removes it.
 */
export const CLIENT_JS = String.raw`(() => {
  const main = () => document.getElementById('herald-main');
  const overlay = () => document.getElementById('herald-overlay');
  const status = () => document.getElementById('herald-status');
  let shownBuild = Number(document.body.dataset.build || '0');

  function showOverlay(markup) {
    const box = overlay();
    if (!box) return;
    box.innerHTML = markup;
    box.hidden = markup === '';
  }

  async function refresh(build) {
    const response = await fetch(location.href, { headers: { 'X-Herald-Fragment': '1' }, cache: 'no-store' });
    if (!response.ok && response.status !== 404) return;
    const markup = await response.text();
    const scrollY = window.scrollY;
    main().innerHTML = markup;
    window.scrollTo(0, scrollY);
    shownBuild = build.id;
    document.body.dataset.build = String(build.id);
    if (window.heraldRenderDiagrams) window.heraldRenderDiagrams();
    document.dispatchEvent(new CustomEvent('herald:updated', { detail: build }));
  }

  function connect() {
    const events = new EventSource('/events');
    events.addEventListener('build', (event) => {
      const build = JSON.parse(event.data);
      const line = status();
      if (line) {
        line.textContent = build.status;
        line.className = build.ok ? 'ok' : 'failed';
      }
      showOverlay(build.overlay);
      if (build.ok && build.id !== shownBuild) refresh(build).catch(() => undefined);
    });
    events.onerror = () => {
      const line = status();
      if (line) {
        line.textContent = 'disconnected from herald dev; reconnecting…';
        line.className = 'failed';
      }
    };
  }

  // Journey flowcharts are drawn when the page has mermaid (served from node_modules when installed).
  window.heraldRenderDiagrams = () => {
    if (window.mermaid) window.mermaid.run({ querySelector: 'pre.mermaid:not([data-processed])' }).catch(() => undefined);
  };
  if (window.mermaid) window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
  window.heraldRenderDiagrams();

  document.addEventListener('click', (event) => {
    const target = event.target;
    if (target instanceof Element && target.closest('[data-dismiss-overlay]')) overlay().hidden = true;
  });
  connect();
})();
`;
