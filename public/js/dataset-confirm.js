// Forms marked data-confirm ask before they are sent (deleting a dataset cannot be undone).
(function () {
  'use strict';
  var forms = document.querySelectorAll('form[data-confirm]');
  for (var i = 0; i < forms.length; i++) {
    forms[i].addEventListener('submit', function (event) {
      if (!window.confirm(event.currentTarget.dataset.confirm)) event.preventDefault();
    });
  }
})();
