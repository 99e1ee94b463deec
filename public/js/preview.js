// The live preview: after each pipeline or mapping edit, the first rows after the pipeline with every
// invalid cell marked (class `invalid`, the reason in its title). Row-level errors mark the row number.
// Remarks (pipeline issues that fail no row: unmapped column, or the step's onInvalid is 'null') get class `remark`.
(function () {
  'use strict';
  var section = document.getElementById('preview-section');
  if (!section) return;
  var status = document.getElementById('preview-status');
  var holder = document.getElementById('preview-table');
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var form = document.getElementById('flow-form');
  // The pipeline editor sends its whole steps; a half-filled one waits there and is not previewed.
  var pipeline = null;
  var timer;
  var sequence = 0;

  function text(value) {
    return value === null || value === undefined ? '' : String(value);
  }

  // DMS's own messages in the page's language (public/js/row-messages.js); Salesforce's words as they are.
  var rowCatalogue = JSON.parse(section.dataset.i18n || '{}');
  function say(cell) {
    return window.dmsSayRow ? window.dmsSayRow(rowCatalogue, cell.i18n, cell.message) : cell.message;
  }

  function render(preview) {
    var marks = {};
    var remarks = {};
    preview.invalid.forEach(function (cell) {
      var key = cell.row + '\u0000' + (cell.column === null ? '' : cell.column);
      (marks[key] = marks[key] || []).push(cell.code + ': ' + say(cell));
    });
    preview.remarks.forEach(function (cell) {
      var key = cell.row + '\u0000' + cell.column;
      (remarks[key] = remarks[key] || []).push(cell.code + ': ' + say(cell));
    });
    var table = document.createElement('table');
    var head = table.createTHead().insertRow();
    ['#'].concat(preview.columns).forEach(function (c) { var th = document.createElement('th'); th.textContent = c; head.appendChild(th); });
    var body = table.createTBody();
    preview.rows.forEach(function (r) {
      var tr = body.insertRow();
      var num = tr.insertCell();
      num.textContent = r.row;
      num.className = 'muted';
      var rowMarks = marks[r.row + '\u0000'];
      if (rowMarks) { num.className = 'invalid'; num.title = rowMarks.join('\n'); }
      r.values.forEach(function (v, c) {
        var td = tr.insertCell();
        td.textContent = text(v);
        var key = r.row + '\u0000' + preview.columns[c];
        var cellMarks = marks[key];
        if (cellMarks) { td.className = 'invalid'; td.title = cellMarks.concat(remarks[key] || []).join('\n'); }
        else if (remarks[key]) { td.className = 'remark'; td.title = remarks[key].join('\n'); }
      });
    });
    holder.textContent = '';
    holder.appendChild(table);
    var invalidRows = {};
    preview.invalid.forEach(function (cell) { invalidRows[cell.row] = true; });
    status.textContent = section.dataset.msgSummary
      .replace('{rows}', preview.rows.length)
      .replace('{invalid}', Object.keys(invalidRows).length)
      .replace('{skipped}', preview.skipped)
      .replace('{ms}', preview.elapsedMs) +
      (preview.remarks.length > 0 ? ' ' + section.dataset.msgRemarks.replace('{count}', preview.remarks.length) : '');
    document.dispatchEvent(new window.CustomEvent('dms:columns', { detail: preview.columns }));
  }

  function refresh() {
    var mine = ++sequence;
    var field = function (name) { return form.querySelector('[name="' + name + '"]').value; };
    var body = {
      datasetId: section.dataset.datasetId,
      connectionId: field('connectionId'),
      object: field('object'),
      operation: field('operation'),
      pipeline: pipeline || JSON.parse(field('pipeline') || '[]'),
      mapping: JSON.parse(field('mapping') || 'null') || undefined
    };
    if (field('externalIdField')) body.externalIdField = field('externalIdField');
    status.textContent = section.dataset.msgLoading;
    fetch('/api/v1/preview', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
      credentials: 'same-origin'
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (answer) {
      if (mine !== sequence) return;
      if (!answer.ok) {
        status.textContent = answer.json.error ? answer.json.error.message : 'HTTP error';
        status.className = 'error-message';
        return;
      }
      status.className = 'muted';
      render(answer.json);
    }).catch(function (error) {
      if (mine === sequence) { status.textContent = String(error); status.className = 'error-message'; }
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  document.addEventListener('dms:pipeline-changed', function (event) {
    pipeline = event.detail.complete;
    later();
  });
  document.addEventListener('dms:mapping-changed', later);
  later();
})();
