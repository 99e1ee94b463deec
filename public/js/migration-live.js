// Live migration page: Server-Sent Events from /api/v1/migrations/:id/events, with polling of the
// status JSON as the fallback. Both paths render the same status shape (see src/migrations/status.ts).
(function () {
  const root = document.getElementById('migration-live');
  if (!root) return;
  const statusUrl = root.dataset.statusUrl;
  const eventsUrl = root.dataset.eventsUrl;
  const finished = ['completed', 'cancelled', 'failed', 'rolled_back'];
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function text(selector, value) {
    const el = root.querySelector(selector);
    if (el) el.textContent = value;
  }

  function render(status) {
    text('[data-field="state"]', status.migration.state);
    text('[data-field="pauseReason"]', status.migration.pauseReason || '');
    const bar = root.querySelector('[data-field="percent"]');
    if (bar) bar.value = status.percent;
    text('[data-field="percentText"]', status.percent + ' %');
    for (const key of ['rows', 'succeeded', 'failed', 'inDoubt', 'skipped']) text('[data-total="' + key + '"]', numbers.format(status.totals[key]));
    const body = document.querySelector('#batches tbody');
    if (body) {
      body.replaceChildren(...status.batches.map((b) => {
        const tr = document.createElement('tr');
        for (const cell of [b.batch, b.state, (b.salesforce || '') + ' ' + (b.jobId || ''), b.totals.succeeded, b.totals.failed, b.totals.skipped]) {
          const td = document.createElement('td');
          td.textContent = String(cell);
          tr.appendChild(td);
        }
        return tr;
      }));
    }
    return finished.includes(status.migration.state);
  }

  let pending = false;
  async function refresh() {
    if (pending) return;
    pending = true;
    try {
      const res = await fetch(statusUrl, { headers: { accept: 'application/json' } });
      if (res.ok) return render(await res.json());
    } finally {
      pending = false;
    }
    return false;
  }

  function poll() {
    refresh().then((done) => { if (!done) setTimeout(poll, 2000); }, () => setTimeout(poll, 5000));
  }

  if (!window.EventSource) return poll();
  const source = new EventSource(eventsUrl);
  let timer;
  source.addEventListener('status', (e) => render(JSON.parse(e.data)));
  source.onmessage = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  };
  source.onerror = () => {
    source.close();
    poll();
  };
})();
