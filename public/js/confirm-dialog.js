// Destructive forms ask first, in a dialog that says what will happen in numbers: data-confirm holds the
// sentence, or data-confirm-url answers { message, typeBack } with the figures of the moment. On a
// production org the object name is typed back. Confirming adds confirm=true (and confirmObject), which
// the server requires, and sends the form.
(function () {
  'use strict';
  var dialog = document.getElementById('confirm-dialog');
  if (!dialog) return;
  var message = document.getElementById('confirm-message');
  var typeLabel = document.getElementById('confirm-type-label');
  var typeInput = document.getElementById('confirm-type');
  var yes = document.getElementById('confirm-yes');
  var pending = null;

  function hidden(form, name, value) {
    var input = form.querySelector('input[type=hidden][name="' + name + '"]');
    if (!input) {
      input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  function open(form, ask) {
    pending = { form: form, typeBack: ask.typeBack || '' };
    message.textContent = ask.message;
    typeLabel.hidden = !ask.typeBack;
    typeInput.value = '';
    if (ask.typeBack) {
      var span = typeLabel.querySelector('span');
      span.textContent = span.dataset.template.replace('{object}', ask.typeBack) + ' ';
    }
    yes.disabled = !!ask.typeBack;
    dialog.showModal();
    (ask.typeBack ? typeInput : document.getElementById('confirm-no')).focus();
  }

  typeInput.addEventListener('input', function () {
    yes.disabled = !pending || typeInput.value.trim().toLowerCase() !== pending.typeBack.toLowerCase();
  });

  dialog.addEventListener('close', function () {
    var chosen = pending;
    pending = null;
    if (!chosen || dialog.returnValue !== 'ok') return;
    hidden(chosen.form, 'confirm', 'true');
    if (chosen.typeBack) hidden(chosen.form, 'confirmObject', typeInput.value.trim());
    chosen.form.dataset.confirmed = 'true';
    chosen.form.requestSubmit();
  });

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof window.HTMLFormElement) || form === dialog.querySelector('form')) return;
    if (form.dataset.confirmed === 'true') { delete form.dataset.confirmed; return; }
    if (event.submitter && event.submitter.hasAttribute('data-no-confirm')) return;
    if (form.dataset.confirm) {
      event.preventDefault();
      open(form, { message: form.dataset.confirm, typeBack: form.dataset.confirmType });
    } else if (form.dataset.confirmUrl) {
      event.preventDefault();
      fetch(form.dataset.confirmUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
        .then(function (ask) { if (ask.confirm) open(form, ask); else { form.dataset.confirmed = 'true'; form.requestSubmit(); } })
        .catch(function () { open(form, { message: dialog.dataset.msgFailed }); });
    }
  });
})();
