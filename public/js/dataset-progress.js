// Follows a dataset's parse: Server-Sent Events, or polling the dataset when SSE is not available or drops.
(function () {
  'use strict';

  function formatBytes(bytes) {
    var units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
    var value = bytes;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return (unit === 0 ? value : value.toFixed(1)) + ' ' + units[unit];
  }

  function fromDataset(d) {
    var p = d.progress || {};
    var total = d.source ? d.source.totalRows : undefined;
    return { status: d.status, bytesRead: p.bytesRead || 0, sizeBytes: d.sizeBytes, rowsRead: d.status === 'ready' ? d.rowCount : (p.rowsRead || 0), chunks: d.chunkCount, totalRows: total, error: d.error };
  }

  // Calls onProgress(progress) for each update and onDone(progress) once the dataset is ready or failed.
  function follow(id, onProgress, onDone) {
    var url = '/api/v1/datasets/' + encodeURIComponent(id);
    var finished = false;
    var pollTimer = null;
    function handle(progress) {
      if (finished) return;
      onProgress(progress);
      if (progress.status === 'ready' || progress.status === 'failed') {
        finished = true;
        if (pollTimer) clearTimeout(pollTimer);
        onDone(progress);
      }
    }
    function poll() {
      fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d) handle(fromDataset(d)); })
        .catch(function () { /* keep polling */ })
        .then(function () { if (!finished) pollTimer = setTimeout(poll, 1500); });
    }
    if (typeof EventSource !== 'function') { poll(); return; }
    var source = new EventSource(url + '/events');
    source.addEventListener('progress', function (event) {
      handle(JSON.parse(event.data));
      if (finished) source.close();
    });
    source.onerror = function () {
      source.close();
      if (!finished) poll();
    };
  }

  // Shows a progress object in a <progress> bar and a status line (an export counts rows against the query's total).
  function render(progress, bar, status, parsingText, exportTexts) {
    if (progress.status === 'exporting' && exportTexts) {
      var known = typeof progress.totalRows === 'number';
      bar.value = known && progress.totalRows > 0 ? Math.round(Math.min(1, progress.rowsRead / progress.totalRows) * 100) : 0;
      status.textContent = (known ? exportTexts.known : exportTexts.unknown)
        .replace('{rows}', Number(progress.rowsRead).toLocaleString())
        .replace('{total}', known ? Number(progress.totalRows).toLocaleString() : '');
      return;
    }
    var fraction = progress.sizeBytes > 0 ? Math.min(1, progress.bytesRead / progress.sizeBytes) : 0;
    if (progress.status === 'ready') fraction = 1;
    bar.value = Math.round(fraction * 100);
    status.textContent = parsingText
      .replace('{rows}', Number(progress.rowsRead).toLocaleString())
      .replace('{read}', formatBytes(progress.bytesRead))
      .replace('{size}', formatBytes(progress.sizeBytes));
  }

  window.DmsDatasetProgress = { follow: follow, render: render, formatBytes: formatBytes };
})();
