// Imports a Data Loader mapping file (.sdl) into the draft, then shows the mapping step again with what
// was imported and what matched nothing.
(function () {
  'use strict';
  var input = document.getElementById('sdl-file');
  if (!input) return;
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    file.text().then(function (sdl) {
      return fetch(input.dataset.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ sdl: sdl }),
        credentials: 'same-origin'
      });
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (result) {
      var m = result.mapping;
      var count = m.fields.length + m.relationships.length + m.constants.length;
      var unknown = result.unknownColumns.concat(result.unknownFields).join(', ');
      window.location.assign(window.location.pathname + '?sdl=' + count + (unknown ? '&unknown=' + encodeURIComponent(unknown) : '') + '#sdl');
    }).catch(function () {
      window.alert(input.dataset.msgFailed);
    });
  });
})();
