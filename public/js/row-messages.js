// Says a row's message in the page's language, as the server's sayRow (src/i18n) does: each sentence by its
// catalogue key (a `row.` section of the catalogue the page hands over), after its column, joined; the stored
// English text when the message has no keys (Salesforce's own words, results stored before keys).
(function () {
  'use strict';
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function fill(template, params) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      if (!(name in params)) return whole;
      return typeof params[name] === 'number' ? numbers.format(params[name]) : String(params[name]);
    });
  }

  window.dmsSayRow = function (catalogue, sentences, english) {
    var list = !sentences ? [] : Array.isArray(sentences) ? sentences : [sentences];
    if (list.length === 0 || list.some(function (s) { return !catalogue[s.key]; })) return english;
    return list.map(function (s) {
      var own = fill(catalogue[s.key], s.params || {});
      var text = s.within && catalogue[s.within] ? fill(catalogue[s.within], { message: own }) : own;
      return s.column === undefined ? text : fill(catalogue['row.inColumn'] || '{column}: {message}', { column: s.column, message: text });
    }).join(catalogue['row.separator'] || '; ');
  };
})();
