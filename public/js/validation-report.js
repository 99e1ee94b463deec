// On a running validation's report page: follow its progress (Server-Sent Events), then reload to show the report.
(function () {
  'use strict';
  var section = document.getElementById('validation-follow');
  if (!section || !window.EventSource) return;
  var bar = document.getElementById('validation-bar');
  var text = document.getElementById('validation-progress');
  var source = new EventSource(section.dataset.events);
  source.addEventListener('progress', function (event) {
    var p = JSON.parse(event.data);
    bar.value = p.rowCount > 0 ? Math.round((100 * p.rowsDone) / p.rowCount) : 0;
    text.textContent = section.dataset.msgProgress
      .replace('{rows}', p.rowsDone.toLocaleString())
      .replace('{total}', p.rowCount.toLocaleString())
      .replace('{invalid}', p.invalid.toLocaleString());
    if (p.status === 'done' || p.status === 'failed') {
      source.close();
      window.location.reload();
    }
  });
  source.addEventListener('error', function () {
    // The stream ends after the last event; a reload shows the stored state either way.
    source.close();
    setTimeout(function () { window.location.reload(); }, 2000);
  });
})();
