// The upload page: drag and drop, a real upload progress bar (bytes sent, speed, time left), then the parse progress.
(function () {
  'use strict';
  var form = document.getElementById('upload-form');
  if (!form) return;
  var input = document.getElementById('file-input');
  var zone = document.getElementById('drop-zone');
  var chosen = document.getElementById('file-chosen');
  var button = document.getElementById('upload-button');
  var panel = document.getElementById('upload-progress');
  var uploadBar = document.getElementById('upload-bar');
  var uploadStatus = document.getElementById('upload-status');
  var parseBar = document.getElementById('parse-bar');
  var parseStatus = document.getElementById('parse-status');
  var errorLine = document.getElementById('upload-error');
  var msg = form.dataset;
  var progress = window.DmsDatasetProgress;

  // Only the options of the chosen file's format (by its name; the parser still reads the content).
  function formatOf(name) {
    var ext = (/\.([^.]+)$/.exec(name.toLowerCase()) || [])[1] || '';
    if (['csv', 'tsv', 'txt', 'tab'].indexOf(ext) >= 0) return 'csv';
    if (['xlsx', 'xlsm'].indexOf(ext) >= 0) return 'xlsx';
    if (['pkl', 'pickle'].indexOf(ext) >= 0) return 'pickle';
    return 'other';
  }

  function showChosen() {
    var file = input.files && input.files[0];
    chosen.textContent = file ? file.name + ' (' + progress.formatBytes(file.size) + ')' : '';
    var format = file ? formatOf(file.name) : 'none';
    form.querySelectorAll('#parse-options [data-formats]').forEach(function (label) {
      label.hidden = label.dataset.formats.split(' ').indexOf(format) < 0;
    });
  }

  function duration(seconds) {
    if (!isFinite(seconds)) return '…';
    if (seconds < 60) return Math.ceil(seconds) + ' s';
    return Math.floor(seconds / 60) + ' min ' + Math.ceil(seconds % 60) + ' s';
  }

  function fail(text) {
    errorLine.textContent = text;
    button.disabled = false;
  }

  input.addEventListener('change', showChosen);
  ['dragenter', 'dragover'].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.style.borderColor = '#0b5cad'; });
  });
  ['dragleave', 'drop'].forEach(function (name) {
    zone.addEventListener(name, function () { zone.style.borderColor = ''; });
  });
  zone.addEventListener('drop', function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length > 0) {
      input.files = event.dataTransfer.files;
      showChosen();
    }
  });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var file = input.files && input.files[0];
    if (!file) return;
    errorLine.textContent = '';
    if (file.size > Number(msg.maxBytes)) { panel.hidden = false; fail(msg.msgTooLarge); return; }
    button.disabled = true;
    panel.hidden = false;
    var xhr = new XMLHttpRequest();
    var started = Date.now();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('accept', 'application/json');
    var token = document.querySelector('meta[name="csrf-token"]');
    if (token && token.content) xhr.setRequestHeader('x-csrf-token', token.content);
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var seconds = (Date.now() - started) / 1000;
      var speed = seconds > 0 ? e.loaded / seconds : 0;
      uploadBar.value = Math.round((e.loaded / e.total) * 100);
      uploadStatus.textContent = msg.msgSent
        .replace('{sent}', progress.formatBytes(e.loaded))
        .replace('{total}', progress.formatBytes(e.total))
        .replace('{speed}', progress.formatBytes(speed) + '/s')
        .replace('{left}', duration(speed > 0 ? (e.total - e.loaded) / speed : Infinity));
    };
    xhr.onerror = function () { fail(msg.msgNetwork); };
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status !== 202 || !body) {
        fail(body && body.error ? body.error.message : msg.msgFailed + ' (HTTP ' + xhr.status + ')');
        return;
      }
      uploadBar.value = 100;
      progress.follow(body.id, function (p) {
        progress.render(p, parseBar, parseStatus, msg.msgParsing);
      }, function (p) {
        if (p.status === 'failed') parseStatus.textContent = msg.msgParseFailed;
        window.location.assign(body.urls.page);
      });
    };
    xhr.send(new FormData(form));
  });
})();
