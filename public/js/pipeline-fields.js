// The pipeline editor's vocabulary: each step type's options (kind, required, when shown), the columns each
// step leaves, and one input widget per kind. Labels and help come from the page's catalogue (data-i18n).
(function () {
  'use strict';
  var CAST_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'datetime'];
  var isDate = function (s) { return s.to === 'date' || s.to === 'datetime'; };
  var isNumber = function (s) { return s.to === 'number' || s.to === 'integer'; };
  // [key, kind, required, choices or condition]
  var SPECS = {
    select: [['columns', 'columns', true]], drop: [['columns', 'columns', true]], reorder: [['columns', 'columns', true]],
    rename: [['mapping', 'renames', true]],
    cast: [['columns', 'columns', true], ['to', 'choice', true, CAST_TYPES], ['format', 'text', false, isDate],
      ['order', 'choice', false, ['', 'DMY', 'MDY'], isDate], ['timeZone', 'text', false, function (s) { return s.to === 'datetime'; }],
      ['decimalSeparator', 'choice', false, ['', '.', ','], isNumber], ['thousandsSeparator', 'choice', false, ['', ',', '.', ' ', "'"], isNumber],
      ['trueValues', 'words', false, function (s) { return s.to === 'boolean'; }], ['falseValues', 'words', false, function (s) { return s.to === 'boolean'; }],
      ['onInvalid', 'onInvalid']],
    trim: [['columns', 'columns', true]], collapseWhitespace: [['columns', 'columns', true]],
    case: [['columns', 'columns', true], ['mode', 'choice', true, ['upper', 'lower', 'title']]],
    replace: [['columns', 'columns', true], ['find', 'text', true], ['replacement', 'text']],
    regexReplace: [['columns', 'columns', true], ['pattern', 'text', true], ['flags', 'text'], ['replacement', 'text'], ['onInvalid', 'onInvalid']],
    valueMap: [['columns', 'columns', true], ['map', 'values', true], ['caseInsensitive', 'bool'], ['otherwise', 'choice', false, ['keep', 'null']],
      ['onInvalid', 'onInvalid']],
    fillNull: [['columns', 'columns', true], ['value', 'literal', true], ['blankAsNull', 'bool']],
    filter: [['expression', 'expression', true]],
    derive: [['column', 'newColumn', true], ['expression', 'expression', true], ['onInvalid', 'onInvalid']],
    concat: [['columns', 'columns', true], ['into', 'newColumn', true], ['separator', 'text'], ['skipNulls', 'bool']],
    split: [['column', 'column', true], ['separator', 'text', true], ['into', 'words', true]],
    lookup: [['column', 'column', true], ['object', 'parentObject', true], ['field', 'parentField', true], ['into', 'newColumn', true]],
    dedupe: [['keys', 'columns', true], ['caseInsensitive', 'bool']],
    sort: [['by', 'sortBy', true]],
    aggregate: [['groupBy', 'columns'], ['aggregations', 'aggs', true], ['onInvalid', 'onInvalid']]
  };
  var DEFAULTS = {
    cast: { to: 'string' }, case: { mode: 'upper' }, concat: { separator: ' ', skipNulls: true }, replace: { replacement: '' },
    regexReplace: { replacement: '', flags: 'g' }, valueMap: { map: {} }, rename: { mapping: {} }, sort: { by: [] },
    aggregate: { groupBy: [], aggregations: [] }
  };

  function filled(value) {
    if (value === undefined || value === '') return false;
    if (Array.isArray(value)) return value.length > 0;
    if (value && typeof value === 'object') return Object.keys(value).length > 0;
    return true;
  }

  /** The labels of the required options still empty: a step applies only when this is empty. */
  function missing(step, t) {
    return (SPECS[step.op] || []).filter(function (spec) { return spec[2] && !filled(step[spec[0]]); })
      .map(function (spec) { return t.option(step.op, spec[0]); });
  }

  function without(list, names) { return list.filter(function (c) { return names.indexOf(c) < 0; }); }
  function adding(list, names) { return list.concat(without(names, list)); }

  /** The columns after a step, as the run will have them (a half-filled step changes nothing). */
  function columnsAfter(step, cols) {
    var chosen = step.columns || [];
    switch (step.op) {
      case 'select': return chosen.length ? chosen.filter(function (c) { return cols.indexOf(c) >= 0; }) : cols;
      case 'drop': return without(cols, chosen);
      case 'rename': return cols.map(function (c) { return (step.mapping || {})[c] || c; });
      case 'reorder': return adding(chosen.filter(function (c) { return cols.indexOf(c) >= 0; }), cols);
      case 'derive': return step.column ? adding(cols, [step.column]) : cols;
      case 'concat': case 'lookup': return step.into ? adding(cols, [step.into]) : cols;
      case 'split': return adding(cols, step.into || []);
      case 'aggregate': return (step.groupBy || []).concat((step.aggregations || []).map(function (a) { return a.as; }).filter(Boolean));
      default: return cols;
    }
  }

  function literal(text) {
    if (text === 'true') return true;
    if (text === 'false') return false;
    if (text === 'null') return null;
    if (text.trim() !== '' && !isNaN(Number(text))) return Number(text);
    return text;
  }

  function el(tag, props) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) { node[k] = props[k]; });
    return node;
  }

  function select(values, chosen, label) {
    var s = el('select');
    values.forEach(function (v) { s.appendChild(el('option', { value: v, textContent: label(v), selected: v === chosen })); });
    return s;
  }

  // A repeatable row list (renames, value map, sort, totals): rows of inputs plus an Add button.
  function rows(items, makeRow, onChange, t) {
    var box = el('div', { className: 'rows' });
    function refresh() { onChange(Array.prototype.map.call(box.querySelectorAll('.row'), function (r) { return r.read(); })); }
    function add(item) {
      var row = makeRow(item, refresh);
      row.classList.add('row');
      var remove = el('button', { type: 'button', className: 'secondary small', textContent: '×', title: t.text('mapping.remove') });
      remove.addEventListener('click', function () { row.remove(); refresh(); });
      row.appendChild(remove);
      box.insertBefore(row, addButton);
    }
    var addButton = el('button', { type: 'button', className: 'secondary small', textContent: t.text('pipeline.ui.add') });
    addButton.addEventListener('click', function () { add(null); });
    box.appendChild(addButton);
    items.forEach(add);
    return box;
  }

  /** One widget per option kind; `set(value)` stores the option (undefined removes it), `ctx` knows the columns. */
  var WIDGETS = {
    columns: function (step, key, set, ctx) {
      var chosen = (step[key] || []).slice();
      var box = el('div', { className: 'chips' });
      if (ctx.columns.length === 0) box.textContent = ctx.t.text('pipeline.ui.noColumns');
      ctx.columns.forEach(function (c) {
        var box2 = el('input', { type: 'checkbox', value: c, checked: chosen.indexOf(c) >= 0 });
        box2.addEventListener('change', function () {
          chosen = box2.checked ? chosen.concat([c]) : without(chosen, [c]);
          set(chosen.length ? chosen : undefined, true);
        });
        var chip = el('label', { className: 'chip' });
        chip.appendChild(box2);
        chip.appendChild(document.createTextNode(c));
        box.appendChild(chip);
      });
      return box;
    },
    column: function (step, key, set, ctx) {
      var s = select([''].concat(ctx.columns), step[key] || '', function (v) { return v || ctx.t.text('pipeline.value.none'); });
      s.addEventListener('change', function () { set(s.value || undefined, true); });
      return s;
    },
    choice: function (step, key, set, ctx, spec) {
      var s = select(spec[3], step[key] === undefined ? '' : step[key], function (v) { return ctx.t.value(key, v); });
      s.addEventListener('change', function () { set(s.value === '' ? undefined : s.value, true); });
      return s;
    },
    bool: function (step, key, set) {
      var b = el('input', { type: 'checkbox', checked: step[key] === true });
      b.addEventListener('change', function () { set(b.checked ? true : undefined); });
      return b;
    },
    text: function (step, key, set) {
      var i = el('input', { value: step[key] === undefined ? '' : step[key] });
      i.addEventListener('input', function () { set(i.value === '' && key !== 'replacement' ? undefined : i.value); });
      return i;
    },
    expression: function (step, key, set) {
      var i = el('input', { value: step[key] || '', className: 'wide', spellcheck: false });
      i.addEventListener('input', function () { set(i.value.trim() ? i.value : undefined); });
      return i;
    },
    newColumn: function (step, key, set) {
      var i = el('input', { value: step[key] || '' });
      i.addEventListener('input', function () { set(i.value.trim() || undefined); });
      i.addEventListener('change', function () { set(i.value.trim() || undefined, true); });
      return i;
    },
    words: function (step, key, set) {
      var i = el('input', { value: (step[key] || []).join(', ') });
      var read = function () { var w = i.value.split(',').map(function (s) { return s.trim(); }).filter(Boolean); return w.length ? w : undefined; };
      i.addEventListener('input', function () { set(read()); });
      i.addEventListener('change', function () { set(read(), true); });
      return i;
    },
    literal: function (step, key, set) {
      var i = el('input', { value: step[key] === undefined ? '' : step[key] === null ? 'null' : String(step[key]) });
      i.addEventListener('input', function () { set(i.value === '' ? undefined : literal(i.value)); });
      return i;
    },
    renames: function (step, key, set, ctx) {
      var pairs = Object.keys(step[key] || {}).map(function (k) { return [k, step[key][k]]; });
      return rows(pairs, function (pair, changed) {
        var row = el('div');
        var from = select([''].concat(ctx.columns), pair ? pair[0] : '', function (v) { return v || ctx.t.text('pipeline.value.none'); });
        var to = el('input', { value: pair ? pair[1] : '' });
        from.addEventListener('change', changed);
        to.addEventListener('change', changed);
        row.appendChild(from);
        row.appendChild(document.createTextNode(' → '));
        row.appendChild(to);
        row.read = function () { return [from.value, to.value.trim()]; };
        return row;
      }, function (list) {
        var out = {};
        list.forEach(function (p) { if (p[0] && p[1]) out[p[0]] = p[1]; });
        set(out, true);
      }, ctx.t);
    },
    values: function (step, key, set, ctx) {
      var allowed = ctx.picklists[(step.columns || [])[0]];
      var pairs = Object.keys(step[key] || {}).map(function (k) { return [k, step[key][k]]; });
      return rows(pairs, function (pair, changed) {
        var row = el('div');
        var from = el('input', { value: pair ? pair[0] : '', placeholder: ctx.t.text('pipeline.ui.from') });
        var value = pair && pair[1] !== null ? String(pair[1]) : '';
        var to = allowed
          ? select([''].concat(allowed.indexOf(value) < 0 && value ? [value] : [], allowed), value, function (v) { return v || ctx.t.text('pipeline.ui.empty'); })
          : el('input', { value: value, placeholder: ctx.t.text('pipeline.ui.toValue') });
        [from, to].forEach(function (input) { input.addEventListener(input.tagName === 'SELECT' ? 'change' : 'input', changed); });
        row.appendChild(from);
        row.appendChild(document.createTextNode(' → '));
        row.appendChild(to);
        row.read = function () { return [from.value, to.value === '' ? null : literal(to.value)]; };
        return row;
      }, function (list) {
        var out = {};
        list.forEach(function (p) { if (p[0] !== '') out[p[0]] = p[1]; });
        set(out);
      }, ctx.t);
    },
    sortBy: function (step, key, set, ctx) {
      return rows(step[key] || [], function (item, changed) {
        var row = el('div');
        var column = select([''].concat(ctx.columns), item ? item.column : '', function (v) { return v || ctx.t.text('pipeline.value.none'); });
        var desc = el('input', { type: 'checkbox', checked: !!(item && item.descending) });
        column.addEventListener('change', changed);
        desc.addEventListener('change', changed);
        var label = el('label', { className: 'inline' });
        label.appendChild(desc);
        label.appendChild(document.createTextNode(' ' + ctx.t.text('pipeline.ui.descending')));
        row.appendChild(column);
        row.appendChild(label);
        row.read = function () { return desc.checked ? { column: column.value, descending: true } : { column: column.value }; };
        return row;
      }, function (list) { set(list.filter(function (b) { return b.column; })); }, ctx.t);
    },
    aggs: function (step, key, set, ctx) {
      return rows(step[key] || [], function (item, changed) {
        var row = el('div');
        var fn = select(['count', 'sum', 'min', 'max', 'avg'], item ? item.fn : 'count', function (v) { return ctx.t.value('fn', v); });
        var column = select([''].concat(ctx.columns), item && item.column ? item.column : '', function (v) { return v || ctx.t.text('pipeline.value.none'); });
        var as = el('input', { value: item ? item.as : '', placeholder: ctx.t.text('pipeline.ui.as') });
        [fn, column, as].forEach(function (input) { input.addEventListener('change', changed); });
        row.appendChild(fn);
        row.appendChild(column);
        row.appendChild(document.createTextNode(' ' + ctx.t.text('pipeline.ui.as') + ' '));
        row.appendChild(as);
        row.read = function () { return column.value ? { fn: fn.value, column: column.value, as: as.value.trim() } : { fn: fn.value, as: as.value.trim() }; };
        return row;
      }, function (list) { set(list.filter(function (a) { return a.as; }), true); }, ctx.t);
    },
    // A lookup's parent: one of the objects the target's lookups point to (from describe). Picking it also
    // picks the target field it usually fills (AccountId) as the new column, unless one was typed.
    parentObject: function (step, key, set, ctx) {
      var names = ctx.lookups.map(function (p) { return p.object; });
      var s = select([''].concat(names), step[key] || '', function (v) {
        var parent = ctx.lookups[names.indexOf(v)];
        return parent ? parent.label + ' (' + parent.object + ')' : ctx.t.text('pipeline.value.none');
      });
      s.addEventListener('change', function () {
        var parent = ctx.lookups[names.indexOf(s.value)];
        if (!parent || !parent.fields.some(function (f) { return f.name === step.field; })) delete step.field;
        if (parent && !step.into) step.into = parent.into[0];
        set(s.value || undefined, true);
      });
      return s;
    },
    parentField: function (step, key, set, ctx) {
      var parent = ctx.lookups.filter(function (p) { return p.object === step.object; })[0];
      var fields = parent ? parent.fields : [];
      var names = fields.map(function (f) { return f.name; });
      var s = select([''].concat(names), step[key] || '', function (v) {
        var f = fields[names.indexOf(v)];
        return f ? f.label + ' (' + f.name + ')' : ctx.t.text(parent ? 'pipeline.value.none' : 'pipeline.ui.pickObject');
      });
      s.disabled = !parent;
      s.addEventListener('change', function () { set(s.value || undefined, true); });
      return s;
    },
    onInvalid: function (step, key, set, ctx) {
      var s = select(['fail', 'null'], step.onInvalid === 'null' ? 'null' : 'fail', function (v) { return ctx.t.text('mapping.onInvalid.' + v); });
      s.name = 'onInvalid';
      s.addEventListener('change', function () { set(s.value === 'null' ? 'null' : undefined); });
      return s;
    }
  };

  window.DMSPipeline = { SPECS: SPECS, DEFAULTS: DEFAULTS, WIDGETS: WIDGETS, missing: missing, columnsAfter: columnsAfter, el: el };
})();
