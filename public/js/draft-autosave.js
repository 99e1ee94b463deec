// The guided flow keeps its state on the server: mapping and pipeline edits are saved to the draft
// (PATCH, debounced) as the person works, so a reload or a second tab loses nothing.
(function () {
  'use strict';
  var form = document.getElementById('flow-form');
  if (!form || !form.dataset.draft) return;
  var status = document.getElementById('autosave-status');
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var pending = {};
  // What the server has: the editors wrote the page's own state into the hidden inputs before this script ran.
  var saved = {};
  ['mapping', 'pipeline'].forEach(function (key) {
    var input = form.querySelector('.' + key + '-json');
    if (input) saved[key] = input.value;
  });
  var timer;

  function send() {
    var body = pending;
    pending = {};
    status.textContent = form.dataset.msgSaving;
    fetch(form.dataset.draft, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
      credentials: 'same-origin'
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      status.textContent = form.dataset.msgSaved;
      return response.json().then(adoptMapping);
    }).catch(function () {
      Object.keys(body).forEach(function (key) { saved[key] = undefined; });
      status.textContent = form.dataset.msgFailed;
    });
  }

  // The server may map a column the new steps add (a lookup's Id): the transform page takes that mapping, and
  // its preview follows. The mapping page keeps its own (its table is what the person edits).
  function adoptMapping(draft) {
    var input = form.querySelector('input[name="mapping"]:not(.mapping-json)');
    var text = JSON.stringify(draft.mapping || null);
    if (!input || input.value === text) return;
    input.value = text;
    document.dispatchEvent(new window.CustomEvent('dms:mapping-changed', { detail: draft.mapping }));
  }

  function queue(key, value) {
    var text = JSON.stringify(value);
    if (saved[key] === text) return;
    saved[key] = text;
    pending[key] = value;
    clearTimeout(timer);
    timer = setTimeout(send, 400);
  }

  document.addEventListener('dms:mapping-changed', function (event) { queue('mapping', event.detail); });
  document.addEventListener('dms:pipeline-changed', function (event) { queue('pipeline', event.detail.steps); });
  // Leaving by Next or Back posts the same state with the form; a pending save is not needed then.
  form.addEventListener('submit', function () { clearTimeout(timer); });
})();
