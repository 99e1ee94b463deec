// Live migration page. Server-Sent Events from /api/v1/migrations/:id/events say *that* something changed;
// the status JSON (cached server-side) says *what*. EventSource reconnects by itself (the stream sends
// `retry: 3000`); while it is down, or in browsers without it, a 2-second ticker polls the same JSON.
(function () {
  const root = document.getElementById('migration-live');
  if (!root) return;
  const i18n = JSON.parse(root.dataset.i18n);
  const statusUrl = root.dataset.statusUrl + '?errors=true';
  const eventsUrl = root.dataset.eventsUrl;
  const FINISHED = ['completed', 'cancelled', 'failed', 'rejected', 'rolled_back'];
  const lang = document.documentElement.lang || undefined;
  const numbers = new Intl.NumberFormat(lang);
  const decimals = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const clock = new Intl.DateTimeFormat(lang, { timeStyle: 'medium' });
  const dates = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const startedFinished = FINISHED.includes(root.dataset.state);
  const fill = (template, params) => template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? params[name] : whole));

  function text(selector, value) {
    for (const el of document.querySelectorAll(selector)) el.textContent = value;
  }

  function cell(tr, value, code) {
    const td = document.createElement('td');
    if (code) {
      const c = document.createElement('code');
      c.textContent = value;
      td.appendChild(c);
    } else td.textContent = value;
    tr.appendChild(td);
    return td;
  }

  // rows/s: one point per status sample at least half a second after the previous one. The run's start is the
  // first sample, so even a run that ends within two seconds draws its rate (clock skew is clamped); points are
  // drawn, so the first rate shows before there is a line.
  const samples = [];
  let chart;
  function ensureChart() {
    if (chart || !window.Chart) return chart;
    chart = new window.Chart(document.getElementById('rate-chart'), {
      type: 'line',
      data: { labels: [], datasets: [{ label: i18n.rate, data: [], borderColor: '#0b5cad', backgroundColor: 'rgba(11,92,173,.15)', fill: true, tension: 0.25, pointRadius: 3 }] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { callback: (v) => numbers.format(v) } } },
      },
    });
    return chart;
  }

  function sample(status) {
    const now = Date.now();
    const started = Date.parse(status.migration.startedAt || '');
    if (samples.length === 0 && started && status.processed > 0) samples.push({ t: Math.min(started, now - 500), processed: 0 });
    const last = samples[samples.length - 1];
    if (last && now - last.t < 500) return;
    samples.push({ t: now, processed: status.processed });
    if (samples.length > 300) samples.shift();
    if (!last || !ensureChart()) return;
    chart.data.labels.push(clock.format(now));
    chart.data.datasets[0].data.push(Math.max(0, Math.round((status.processed - last.processed) / ((now - last.t) / 1000))));
    if (chart.data.labels.length > 120) {
      chart.data.labels.shift();
      chart.data.datasets[0].data.shift();
    }
    chart.update('none');
  }

  // ETA from the rate over the last 30 seconds of samples.
  function eta(status) {
    if (FINISHED.includes(status.migration.state)) return i18n.etaDone;
    const now = samples[samples.length - 1];
    const then = samples.find((s) => now && now.t - s.t <= 30000);
    if (!now || !then || now.t === then.t || now.processed <= then.processed) return i18n.etaUnknown;
    const rate = (now.processed - then.processed) / ((now.t - then.t) / 1000);
    const seconds = Math.ceil((status.totals.rows - status.processed) / rate);
    const m = Math.floor(seconds / 60);
    const duration = m > 0 ? m + ':' + String(seconds % 60).padStart(2, '0') : seconds + ' s';
    return duration + ' · ' + fill(i18n.finishAt, { time: clock.format(Date.now() + seconds * 1000) }) + ' · ' + decimals.format(rate) + ' ' + i18n.rate;
  }

  // The pause reason in the reader's language when DMS wrote it by key (numbers formatted), else as stored.
  function pauseText(m) {
    const message = m.pauseMessage;
    const template = message && i18n.reasons[message.key];
    if (!template) return m.pauseReason || '';
    const params = {};
    for (const [k, v] of Object.entries(message.params || {})) params[k] = typeof v === 'number' ? numbers.format(v) : v;
    return fill(template, params);
  }

  function renderBatches(batches) {
    const body = document.querySelector('#batches tbody');
    if (!body) return;
    body.replaceChildren(...batches.map((b) => {
      const tr = document.createElement('tr');
      cell(tr, numbers.format(b.batch + 1));
      cell(tr, i18n.batchStates[b.state] || b.state);
      cell(tr, i18n.queueStates[b.queue] || b.queue);
      const sf = cell(tr, (b.salesforce === 'collections' ? i18n.collections : b.salesforce || '') + ' ');
      if (b.jobId) {
        const c = document.createElement('code');
        c.textContent = b.jobId;
        sf.appendChild(c);
      }
      for (const key of ['succeeded', 'failed', 'skipped']) cell(tr, numbers.format(b.totals[key]));
      return tr;
    }));
  }

  function renderErrors(groups) {
    const section = document.getElementById('errors');
    if (!section || !groups) return;
    section.hidden = groups.length === 0;
    document.querySelector('#error-groups tbody').replaceChildren(...groups.map((g) => {
      const tr = document.createElement('tr');
      const code = cell(tr, g.code, true);
      // What the code means, in the reader's language, after the code itself (DMS's own codes and the common ones).
      if (i18n.codes['code.' + g.code]) code.append(' ', Object.assign(document.createElement('small'), { className: 'muted', textContent: i18n.codes['code.' + g.code] }));
      cell(tr, g.fields);
      cell(tr, numbers.format(g.count));
      const td = cell(tr, '');
      td.className = 'quoted';
      for (const e of g.examples) {
        const div = document.createElement('div');
        div.textContent = i18n.row + ' ' + numbers.format(e.row) + ': ' + window.dmsSayRow(i18n.rows, e.i18n, e.message);
        td.appendChild(div);
      }
      return tr;
    }));
  }

  /** A running migration without progress for a while says so, with what it waits for. */
  function renderStall(stalled) {
    const note = root.querySelector('[data-field="stalled"]');
    if (!note) return;
    note.hidden = !stalled;
    if (stalled) note.textContent = fill(i18n.stalled, { since: dates.format(new Date(stalled.since)), reason: i18n.stallReasons[stalled.reason] || stalled.reason });
  }

  function render(status) {
    const state = status.migration.state;
    const badge = document.querySelector('h1 [data-field="state"]');
    if (badge) badge.className = 'badge' + (state === 'completed' ? ' ok' : state === 'failed' || state === 'cancelled' ? ' bad' : '');
    root.dataset.state = state;
    text('[data-field="state"]', i18n.states[state] || state);
    text('[data-field="pauseReason"]', pauseText(status.migration));
    renderStall(status.stalled);
    const following = root.querySelector('[data-field="following"]');
    if (following) following.hidden = !status.migration.following;
    const bar = root.querySelector('[data-field="percent"]');
    if (bar) bar.value = status.percent;
    text('[data-field="percentText"]', decimals.format(status.percent) + ' %');
    text('[data-field="processed"]', fill(i18n.processed, { processed: numbers.format(status.processed), rows: numbers.format(status.totals.rows) }));
    for (const key of ['rows', 'succeeded', 'failed', 'inDoubt', 'skipped']) text('[data-total="' + key + '"]', numbers.format(status.totals[key]));
    if (status.apiBudget) {
      text('[data-field="apiBudget"]', fill(i18n.apiBudget, { remaining: numbers.format(status.apiBudget.remaining), max: numbers.format(status.apiBudget.max) }) + ' (' + dates.format(new Date(status.apiBudget.at)) + ')');
    }
    for (const form of document.querySelectorAll('#controls form[data-states]')) form.hidden = !form.dataset.states.split(' ').includes(state);
    sample(status);
    text('[data-field="eta"]', eta(status));
    renderBatches(status.batches);
    renderErrors(status.errors);
    return FINISHED.includes(state);
  }

  let lastRefresh = 0;
  let inFlight = false;
  let done = startedFinished;
  let source;
  let ticker;

  function finish() {
    done = true;
    clearInterval(ticker);
    if (source) source.close();
    // The finished page has more to offer (the fix-and-retry form): show it once.
    if (!startedFinished) setTimeout(() => window.location.reload(), 500);
  }

  async function refresh() {
    if (inFlight || done) return;
    inFlight = true;
    lastRefresh = Date.now();
    try {
      const res = await fetch(statusUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (res.ok && render(await res.json())) finish();
    } catch {
      // the ticker tries again
    } finally {
      inFlight = false;
    }
  }

  function connect() {
    if (done || !window.EventSource) return;
    source = new EventSource(eventsUrl);
    source.onopen = () => text('[data-field="connection"]', i18n.live);
    source.addEventListener('status', (e) => {
      if (render(JSON.parse(e.data))) finish();
    });
    let timer;
    source.onmessage = () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 200);
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream: poll, and try a fresh stream later.
        text('[data-field="connection"]', i18n.polling);
        source = undefined;
        setTimeout(connect, 10000);
      } else text('[data-field="connection"]', i18n.reconnecting);
    };
  }

  if (done) return;
  if (!window.EventSource) text('[data-field="connection"]', i18n.polling);
  ticker = setInterval(() => {
    if (Date.now() - lastRefresh >= 2000) refresh();
  }, 1000);
  connect();
  ensureChart();
})();
