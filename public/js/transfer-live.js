// The live figures of one transfer: its document polled each second; rates from the change between two polls.
(() => {
  const root = document.getElementById('transfer-live');
  if (!root) return;
  const labels = JSON.parse(root.dataset.statusLabels || '{}');
  const field = (name) => root.querySelector(`[data-field="${name}"]`);
  const set = (name, value) => {
    const el = field(name);
    if (el) el.textContent = String(value);
  };
  const finished = new Set(['stopped', 'completed', 'failed']);
  let last;
  async function poll() {
    const response = await fetch(root.dataset.url, { headers: { accept: 'application/json' } });
    if (!response.ok) return;
    const t = await response.json();
    const now = Date.now();
    for (const key of ['recordsIn', 'recordsOut', 'batches', 'errors', 'skipped', 'deadLetters']) set(key, t.counts[key]);
    set('lag', t.lag ?? '—');
    set('status', labels[t.status] || t.status);
    if (last) {
      const seconds = (now - last.at) / 1000;
      set('inRate', Math.round((t.counts.recordsIn - last.counts.recordsIn) / seconds));
      set('outRate', Math.round((t.counts.recordsOut - last.counts.recordsOut) / seconds));
    }
    const bound = field('bound');
    const b = t.boundState;
    if (bound) {
      const state = b.full ? bound.dataset.full.replace('{since}', b.since || '') : bound.dataset.free;
      bound.textContent = b.limit === undefined ? bound.dataset.none : `${b.used} / ${b.limit} · ${state}`;
    }
    set('boundReason', b.reason || '');
    last = { at: now, counts: t.counts };
    if (!finished.has(t.status)) setTimeout(() => void poll().catch(() => setTimeout(poll, 5000)), 1000);
  }
  void poll().catch(() => undefined);
})();
