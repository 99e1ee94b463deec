// The pipeline editor: add, remove, reorder and configure steps, each option with its translated label and
// help, columns picked from those the step can see. Edits apply as they are typed; a half-filled step waits
// (it is kept, but not applied) until its required options are filled. Every change writes the steps into
// the hidden `.pipeline-json` inputs and fires `dms:pipeline-changed` with { steps, complete }.
(function () {
  'use strict';
  var root = document.getElementById('pipeline-editor');
  var P = window.DMSPipeline;
  if (!root || !P) return;
  var messages = JSON.parse(root.dataset.i18n || '{}');
  var pipeline = JSON.parse(root.dataset.pipeline || '[]');
  var sourceColumns = JSON.parse(root.dataset.columns || '[]');
  var picklists = JSON.parse(root.dataset.picklists || '{}');
  // The connection's defaults for new conversions: day or month first, the zone of date-times.
  var castDefaults = JSON.parse(root.dataset.castDefaults || '{}');
  // The parents a lookup step can find (objects the target's lookups point to), with their comparable fields.
  var lookups = JSON.parse(root.dataset.lookups || '[]');
  var el = P.el;
  var timer;

  var t = {
    text: function (key, params) {
      var text = messages[key] || key;
      Object.keys(params || {}).forEach(function (k) { text = text.replace('{' + k + '}', params[k]); });
      return text;
    },
    option: function (op, key) {
      if (key === 'onInvalid') return messages['mapping.onInvalid'];
      return messages['pipeline.opt.' + op + '.' + key] || messages['pipeline.opt.' + key] || key;
    },
    help: function (op, key) {
      if (key === 'onInvalid') return messages['mapping.onInvalid.help'];
      return messages['pipeline.opt.' + op + '.' + key + '.help'] || messages['pipeline.opt.' + key + '.help'] || '';
    },
    value: function (key, value) {
      if (value === '') return messages['pipeline.value.none'];
      var group = /Separator$/.test(key) ? 'separator' : key;
      return messages['pipeline.value.' + group + '.' + value] || value;
    }
  };

  // A conversion to a date takes the connection's day/month order, to a date-time also its zone, unless set.
  function withCastDefaults(step) {
    var dated = step.to === 'date' || step.to === 'datetime';
    if (dated && step.order === undefined && castDefaults.order) step.order = castDefaults.order;
    if (step.to === 'datetime' && step.timeZone === undefined && castDefaults.timeZone) step.timeZone = castDefaults.timeZone;
  }

  var complete = function (step) { return P.missing(step, t).length === 0; };

  function columnsBefore(index) {
    return pipeline.slice(0, index).reduce(function (cols, step) { return P.columnsAfter(step, cols); }, sourceColumns);
  }

  function save() {
    var text = JSON.stringify(pipeline);
    document.querySelectorAll('.pipeline-json').forEach(function (input) { input.value = text; });
    var detail = { steps: pipeline, complete: pipeline.filter(complete) };
    document.dispatchEvent(new window.CustomEvent('dms:pipeline-changed', { detail: detail }));
    refreshSuggestions();
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(save, 250);
  }

  function status(card, step) {
    var waiting = P.missing(step, t);
    card.classList.toggle('incomplete', waiting.length > 0);
    card.querySelector('.step-status').textContent = waiting.length ? t.text('pipeline.ui.waiting', { options: waiting.join(', ') }) : '';
  }

  function field(step, spec, index, card) {
    var key = spec[0];
    var label = el('label', { className: 'option' });
    label.dataset.option = key;
    label.appendChild(el('span', { className: 'option-name', textContent: t.option(step.op, key) }));
    var ctx = { columns: columnsBefore(index), picklists: picklists, lookups: lookups, t: t };
    // `structural`: the change alters what later steps see (columns, shown options): redraw after it.
    var set = function (value, structural) {
      if (value === undefined) delete step[key]; else step[key] = value;
      if (step.op === 'cast' && key === 'to') withCastDefaults(step);
      status(card, step);
      if (structural) render(index);
      later();
    };
    label.appendChild(P.WIDGETS[spec[1]](step, key, set, ctx, spec));
    var help = t.help(step.op, key);
    if (help) label.appendChild(el('small', { className: 'muted', textContent: help }));
    return label;
  }

  function button(text, onClick, disabled) {
    var b = el('button', { type: 'button', className: 'secondary small', textContent: text, disabled: disabled });
    b.addEventListener('click', onClick);
    return b;
  }

  function move(from, to) {
    pipeline.splice(to, 0, pipeline.splice(from, 1)[0]);
    render(0);
    save();
  }

  function card(step, i) {
    var box = el('fieldset', { className: 'step' });
    box.dataset.op = step.op;
    box.dataset.index = String(i);
    box.appendChild(el('legend', { textContent: t.text('mapping.step') + ' ' + (i + 1) + ': ' + (messages['mapping.op.' + step.op] || step.op) }));
    (P.SPECS[step.op] || []).forEach(function (spec) {
      var shown = typeof spec[3] === 'function' ? spec[3] : spec[4];
      if (typeof shown !== 'function' || shown(step)) box.appendChild(field(step, spec, i, box));
    });
    box.appendChild(el('p', { className: 'step-status muted' }));
    var tools = el('div', { className: 'step-tools' });
    tools.appendChild(button(t.text('mapping.step.up'), function () { move(i, i - 1); }, i === 0));
    tools.appendChild(button(t.text('mapping.step.down'), function () { move(i, i + 1); }, i === pipeline.length - 1));
    tools.appendChild(button(t.text('mapping.remove'), function () { pipeline.splice(i, 1); render(0); save(); }, false));
    box.appendChild(tools);
    status(box, step);
    return box;
  }

  /** Redraws the steps from `from` on (the ones before keep their inputs and focus). */
  function render(from) {
    var cards = root.querySelectorAll('fieldset.step');
    for (var c = cards.length - 1; c >= 0; c--) if (Number(cards[c].dataset.index) >= from) cards[c].remove();
    var empty = root.querySelector('p.empty');
    if (empty) empty.remove();
    if (pipeline.length === 0) root.appendChild(el('p', { className: 'muted empty', textContent: messages['mapping.pipeline.empty'] }));
    for (var i = from; i < pipeline.length; i++) root.appendChild(card(pipeline[i], i));
  }

  function add(step) {
    pipeline.push(step);
    render(pipeline.length - 1);
    var first = root.querySelector('fieldset.step:last-of-type').querySelector('input, select, textarea');
    if (first) first.focus();
    save();
  }

  document.getElementById('add-step').addEventListener('click', function () {
    var op = document.getElementById('step-type').value;
    add(Object.assign({ op: op }, JSON.parse(JSON.stringify(P.DEFAULTS[op] || {}))));
  });

  // A suggestion disappears once a step doing the same is in the pipeline.
  function covered(suggested) {
    return pipeline.some(function (step) {
      if (step.op !== suggested.op) return false;
      var cols = step.columns || [];
      var all = (suggested.columns || []).every(function (c) { return cols.indexOf(c) >= 0; });
      return all && (step.op !== 'cast' || (step.to === suggested.to && step.order === suggested.order));
    });
  }

  function refreshSuggestions() {
    var box = document.getElementById('step-suggestions');
    if (!box) return;
    var open = 0;
    box.querySelectorAll('li').forEach(function (li) {
      li.hidden = covered(JSON.parse(li.dataset.step));
      if (!li.hidden) open++;
    });
    box.hidden = open === 0;
  }

  document.querySelectorAll('#step-suggestions .add-suggestion').forEach(function (b) {
    b.addEventListener('click', function () { add(JSON.parse(b.closest('li').dataset.step)); });
  });

  // A page whose columns are typed rather than read from a dataset (a transfer's record fields) sends them as they change.
  document.addEventListener('dms:pipeline-columns', function (event) {
    sourceColumns = event.detail.columns;
    render(0);
  });

  render(0);
  save();
})();
