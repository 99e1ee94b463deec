// The transfer start form: each end shows the fields of its chosen kind only (the others are disabled, so they are
// not sent), an endpoint's URL field only when "a URL" is chosen, and the record fields typed feed the pipeline
// editor's column pickers.
(function () {
  'use strict';
  var form = document.getElementById('transfer-form');
  if (!form) return;

  function showKind(end) {
    var select = form.querySelector('select[name="' + end + '.kind"]');
    form.querySelectorAll('fieldset.transfer-end[data-end="' + end + '"]').forEach(function (box) {
      var chosen = box.dataset.kind === select.value;
      box.hidden = !chosen;
      box.querySelectorAll('input, select, textarea').forEach(function (input) { input.disabled = !chosen; });
      if (chosen) showUrls(box);
    });
  }

  function showUrls(box) {
    box.querySelectorAll('select.endpoint-choice').forEach(function (choice) {
      var url = choice.parentNode.querySelector('input.endpoint-url');
      url.hidden = choice.value !== 'url';
      url.disabled = choice.disabled || choice.value !== 'url';
    });
  }

  ['source', 'target'].forEach(function (end) {
    var select = form.querySelector('select[name="' + end + '.kind"]');
    select.addEventListener('change', function () { showKind(end); });
    showKind(end);
  });
  form.querySelectorAll('select.endpoint-choice').forEach(function (choice) {
    choice.addEventListener('change', function () { showUrls(choice.closest('fieldset')); });
  });

  var fields = form.querySelector('input[name="recordFields"]');
  fields.addEventListener('change', function () {
    var columns = fields.value.split(',').map(function (f) { return f.trim(); }).filter(Boolean);
    document.dispatchEvent(new window.CustomEvent('dms:pipeline-columns', { detail: { columns: columns } }));
  });
})();
