// The pipeline editor: add, remove, reorder and configure steps with a form per step type.
// The pipeline is kept as JSON in the hidden `.pipeline-json` inputs; every edit fires `dms:pipeline-changed`.
(function () {
  'use strict';
  var root = document.getElementById('pipeline-editor');
  if (!root) return;
  var msg = root.dataset;
  var pipeline = JSON.parse(root.dataset.pipeline || '[]');

  // Per step type: its fields. Kinds: list (comma-separated names), text, select, bool, pairs (one "a -> b" per line),
  // literal (text read as true/false/null/number when it looks like one), sort ("col desc, col2"), aggs ("count() as n, sum(x) as total"),
  // onInvalid (what a bad value does to its row: a translated select with a one-line help; 'fail', the default, is left out of the JSON).
  var CAST_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'datetime'];
  var SPECS = {
    select: [['columns', 'list']], drop: [['columns', 'list']], reorder: [['columns', 'list']],
    rename: [['mapping', 'pairs']],
    cast: [['columns', 'list'], ['to', 'select', CAST_TYPES], ['format', 'text'], ['order', 'select', ['', 'DMY', 'MDY']], ['timeZone', 'text'],
      ['decimalSeparator', 'select', ['', '.', ',']], ['thousandsSeparator', 'select', ['', ',', '.', ' ', "'"]],
      ['onInvalid', 'onInvalid']],
    trim: [['columns', 'list']], collapseWhitespace: [['columns', 'list']],
    case: [['columns', 'list'], ['mode', 'select', ['upper', 'lower', 'title']]],
    replace: [['columns', 'list'], ['find', 'text'], ['replacement', 'text']],
    regexReplace: [['columns', 'list'], ['pattern', 'text'], ['flags', 'text'], ['replacement', 'text'], ['onInvalid', 'onInvalid']],
    valueMap: [['columns', 'list'], ['map', 'pairs'], ['caseInsensitive', 'bool'], ['otherwise', 'select', ['keep', 'null']],
      ['onInvalid', 'onInvalid']],
    fillNull: [['columns', 'list'], ['value', 'literal'], ['blankAsNull', 'bool']],
    filter: [['expression', 'text']],
    derive: [['column', 'text'], ['expression', 'text'], ['onInvalid', 'onInvalid']],
    concat: [['columns', 'list'], ['into', 'text'], ['separator', 'text'], ['skipNulls', 'bool']],
    split: [['column', 'text'], ['separator', 'text'], ['into', 'list']],
    dedupe: [['keys', 'list'], ['caseInsensitive', 'bool']],
    sort: [['by', 'sort']],
    aggregate: [['groupBy', 'list'], ['aggregations', 'aggs'], ['onInvalid', 'onInvalid']]
  };
  var DEFAULTS = { cast: { to: 'string' }, case: { mode: 'upper' }, concat: { separator: ' ', skipNulls: true }, valueMap: { map: {} }, rename: { mapping: {} } };

  function literal(text) {
    if (text === 'true') return true;
    if (text === 'false') return false;
    if (text === 'null') return null;
    if (text.trim() !== '' && !isNaN(Number(text))) return Number(text);
    return text;
  }
  var list = function (text) { return text.split(',').map(function (s) { return s.trim(); }).filter(Boolean); };

  // Field value -> text in the form, and back.
  var TO_TEXT = {
    list: function (v) { return (v || []).join(', '); },
    pairs: function (v) { return Object.keys(v || {}).map(function (k) { return k + ' -> ' + (v[k] === null ? 'null' : String(v[k])); }).join('\n'); },
    literal: function (v) { return v === undefined ? '' : v === null ? 'null' : String(v); },
    sort: function (v) { return (v || []).map(function (b) { return b.column + (b.descending ? ' desc' : ''); }).join(', '); },
    aggs: function (v) { return (v || []).map(function (a) { return a.fn + '(' + (a.column || '') + ') as ' + a.as; }).join(', '); }
  };
  var FROM_TEXT = {
    list: list,
    pairs: function (text, key) {
      var out = {};
      text.split('\n').forEach(function (line) {
        var at = line.indexOf('->');
        if (at < 0) return;
        var from = line.slice(0, at).trim();
        var to = line.slice(at + 2).trim();
        out[from] = key === 'map' ? literal(to) : to;
      });
      return out;
    },
    literal: literal,
    sort: function (text) { return list(text).map(function (part) { var bits = part.split(/\s+/); return bits[1] === 'desc' ? { column: bits[0], descending: true } : { column: bits[0] }; }); },
    aggs: function (text) {
      return list(text).map(function (part) {
        var m = /^(\w+)\(([^)]*)\)\s+as\s+(.+)$/.exec(part);
        return m ? (m[2].trim() ? { fn: m[1], column: m[2].trim(), as: m[3].trim() } : { fn: m[1], as: m[3].trim() }) : { fn: 'count', as: part };
      });
    }
  };

  function save() {
    var text = JSON.stringify(pipeline);
    document.querySelectorAll('.pipeline-json').forEach(function (input) { input.value = text; });
    document.dispatchEvent(new window.CustomEvent('dms:pipeline-changed', { detail: { steps: pipeline, complete: pipeline } }));
  }

  // What a bad value does: fail the row (default, not written) or empty the cell and go on ('null').
  function onInvalidInput(step) {
    var el = document.createElement('select');
    [['fail', msg.msgOnInvalidFail], ['null', msg.msgOnInvalidNull]].forEach(function (choice) {
      var o = document.createElement('option');
      o.value = choice[0];
      o.textContent = choice[1];
      el.appendChild(o);
    });
    el.name = 'onInvalid';
    el.value = step.onInvalid === 'null' ? 'null' : 'fail';
    el.addEventListener('change', function () {
      if (el.value === 'null') step.onInvalid = 'null'; else delete step.onInvalid;
      save();
    });
    var label = document.createElement('label');
    label.textContent = msg.msgOnInvalid + ' ';
    label.appendChild(el);
    var help = document.createElement('small');
    help.className = 'muted';
    help.textContent = msg.msgOnInvalidHelp;
    label.appendChild(help);
    return label;
  }

  function input(step, spec) {
    var key = spec[0];
    var kind = spec[1];
    if (kind === 'onInvalid') return onInvalidInput(step);
    var el;
    if (kind === 'select') {
      el = document.createElement('select');
      spec[2].forEach(function (value) { var o = document.createElement('option'); o.value = value; o.textContent = value === '' ? '—' : value; el.appendChild(o); });
      el.value = step[key] === undefined ? '' : step[key];
    } else if (kind === 'bool') {
      el = document.createElement('input');
      el.type = 'checkbox';
      el.checked = step[key] === true;
    } else {
      el = document.createElement(kind === 'pairs' ? 'textarea' : 'input');
      el.value = TO_TEXT[kind] ? TO_TEXT[kind](step[key]) : (step[key] === undefined ? '' : step[key]);
    }
    el.name = key;
    el.addEventListener('change', function () {
      var value = kind === 'bool' ? el.checked : FROM_TEXT[kind] ? FROM_TEXT[kind](el.value, key) : el.value;
      if (value === '' && kind !== 'text') delete step[key]; else step[key] = value;
      if (kind === 'text' && value === '' && ['format', 'timeZone', 'flags'].indexOf(key) >= 0) delete step[key];
      save();
    });
    var label = document.createElement('label');
    label.textContent = key + ' ';
    label.appendChild(el);
    return label;
  }

  function button(text, onClick, disabled) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary';
    b.textContent = text;
    b.disabled = disabled;
    b.addEventListener('click', onClick);
    return b;
  }

  function render() {
    root.textContent = '';
    if (pipeline.length === 0) { var p = document.createElement('p'); p.className = 'muted'; p.textContent = msg.msgEmpty; root.appendChild(p); }
    pipeline.forEach(function (step, i) {
      var card = document.createElement('fieldset');
      card.className = 'step';
      card.dataset.op = step.op;
      var legend = document.createElement('legend');
      legend.textContent = msg.msgStep + ' ' + (i + 1) + ': ' + step.op;
      card.appendChild(legend);
      (SPECS[step.op] || []).forEach(function (spec) { card.appendChild(input(step, spec)); });
      var tools = document.createElement('div');
      tools.className = 'step-tools';
      tools.appendChild(button(msg.msgUp, function () { pipeline.splice(i - 1, 0, pipeline.splice(i, 1)[0]); render(); save(); }, i === 0));
      tools.appendChild(button(msg.msgDown, function () { pipeline.splice(i + 1, 0, pipeline.splice(i, 1)[0]); render(); save(); }, i === pipeline.length - 1));
      tools.appendChild(button(msg.msgRemove, function () { pipeline.splice(i, 1); render(); save(); }, false));
      card.appendChild(tools);
      root.appendChild(card);
    });
  }

  document.getElementById('add-step').addEventListener('click', function () {
    var op = document.getElementById('step-type').value;
    var step = Object.assign({ op: op }, JSON.parse(JSON.stringify(DEFAULTS[op] || {})));
    pipeline.push(step);
    render();
    var cards = root.querySelectorAll('fieldset.step');
    var first = cards[cards.length - 1].querySelector('input, select, textarea');
    if (first) first.focus();
    save();
  });

  render();
  save();
})();
