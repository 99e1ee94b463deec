// The target step: the object list follows the connection, the upsert key list follows the object,
// and the upsert key is asked only for upsert.
(function () {
  'use strict';
  var connection = document.getElementById('target-connection');
  var object = document.getElementById('target-object');
  var key = document.getElementById('target-external-id');
  var keyLabel = document.getElementById('upsert-key');
  if (!connection || !object) return;

  function fill(select, items, chosen) {
    select.textContent = '';
    var none = document.createElement('option');
    none.value = '';
    none.textContent = select.dataset.msgChoose;
    select.appendChild(none);
    items.forEach(function (item) {
      var o = document.createElement('option');
      o.value = item.name;
      o.textContent = item.label + ' (' + item.name + ')';
      o.selected = item.name === chosen;
      select.appendChild(o);
    });
  }

  function json(url) {
    return fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    });
  }

  connection.addEventListener('change', function () {
    json('/api/v1/describe/' + encodeURIComponent(connection.value)).then(function (body) {
      fill(object, body.objects, object.value);
      object.dispatchEvent(new window.Event('change'));
    });
  });

  object.addEventListener('change', function () {
    if (!object.value) { fill(key, [], ''); return; }
    json('/api/v1/describe/' + encodeURIComponent(connection.value) + '/' + encodeURIComponent(object.value)).then(function (body) {
      var keys = body.fields.filter(function (f) { return f.externalId || f.type === 'id'; });
      fill(key, keys, key.value);
    });
  });

  document.querySelectorAll('input[name=operation]').forEach(function (radio) {
    radio.addEventListener('change', function () { keyLabel.hidden = radio.value !== 'upsert' || !radio.checked; });
  });
})();
