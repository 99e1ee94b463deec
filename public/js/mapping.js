// The mapping table: column -> field (suggestion pre-selected), lookups by a parent's external id,
// constants, and the required fields still unmapped. The mapping is kept as JSON in the hidden
// `.mapping-json` inputs; every edit fires `dms:mapping-changed`.
(function () {
  'use strict';
  var section = document.getElementById('mapping');
  if (!section) return;
  var msg = section.dataset;
  var fields = JSON.parse(section.dataset.fields);
  var byName = {};
  fields.forEach(function (f) { byName[f.name] = f; });
  var table = document.getElementById('mapping-table').tBodies[0];
  var constants = document.getElementById('constants-table').tBodies[0];
  var requiredList = document.getElementById('required-list');
  var operation = section.dataset.operation;

  function option(value, text, selected) {
    var o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    o.selected = !!selected;
    return o;
  }

  function fieldSelect(selected) {
    var select = document.createElement('select');
    select.appendChild(option('', msg.msgUnmapped));
    fields.forEach(function (f) { select.appendChild(option(f.name, f.label + ' (' + f.name + ') · ' + f.type, f.name === selected)); });
    return select;
  }

  // The relationship select lists the parent's key fields of the chosen lookup; hidden for other fields.
  function refreshRelationship(row) {
    var field = byName[row.querySelector('.field-select').value];
    var rel = row.querySelector('.rel-select');
    var keep = rel.value;
    rel.textContent = '';
    rel.appendChild(option('', msg.msgIds));
    var keys = field ? field.parentKeys : [];
    keys.forEach(function (k) { rel.appendChild(option(k, field.relationshipName + '.' + k, k === keep)); });
    rel.hidden = keys.length === 0;
  }

  function current() {
    var mapping = { object: section.dataset.object, fields: [], relationships: [], constants: [] };
    Array.prototype.forEach.call(table.rows, function (row) {
      var name = row.querySelector('.field-select').value;
      if (!name || row.classList.contains('gone')) return;
      var rel = row.querySelector('.rel-select');
      var field = byName[name];
      if (rel.value && field && field.relationshipName) {
        mapping.relationships.push({ column: row.dataset.column, field: name, relationshipName: field.relationshipName, externalIdField: rel.value });
      } else {
        mapping.fields.push({ column: row.dataset.column, field: name });
      }
    });
    Array.prototype.forEach.call(constants.rows, function (row) {
      var name = row.querySelector('select').value;
      var text = row.querySelector('input').value;
      if (!name) return;
      var value = text === 'true' ? true : text === 'false' ? false : text === 'null' ? null : text;
      mapping.constants.push({ field: name, value: value });
    });
    return mapping;
  }

  // Required on insert/upsert: createable, not nillable, not defaulted; update and delete need Id.
  function refreshRequired(mapping) {
    var mapped = {};
    mapping.fields.concat(mapping.relationships, mapping.constants).forEach(function (e) { mapped[e.field.toLowerCase()] = true; });
    var needed = operation === 'insert' || operation === 'upsert'
      ? fields.filter(function (f) { return f.required; }).map(function (f) { return f.name; })
      : ['Id'];
    if (operation === 'upsert' && section.dataset.externalIdField) needed.unshift(section.dataset.externalIdField);
    var missing = needed.filter(function (n) { return !mapped[n.toLowerCase()]; });
    requiredList.textContent = '';
    if (missing.length === 0) { var ok = document.createElement('li'); ok.className = 'muted'; ok.textContent = msg.msgNone; requiredList.appendChild(ok); }
    missing.forEach(function (n) {
      var li = document.createElement('li');
      li.className = 'required-missing';
      li.textContent = byName[n] ? byName[n].label + ' (' + n + ')' : n;
      requiredList.appendChild(li);
    });
  }

  function save() {
    var mapping = current();
    var text = JSON.stringify(mapping);
    document.querySelectorAll('.mapping-json').forEach(function (input) { input.value = text; });
    refreshRequired(mapping);
    document.dispatchEvent(new window.CustomEvent('dms:mapping-changed', { detail: mapping }));
  }

  function addConstant(field, value) {
    var row = constants.insertRow();
    var select = fieldSelect(field);
    var input = document.createElement('input');
    input.value = value === undefined || value === null ? '' : String(value);
    var remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary';
    remove.textContent = msg.msgRemove;
    remove.addEventListener('click', function () { row.remove(); save(); });
    [select, input, remove].forEach(function (el) { row.insertCell().appendChild(el); });
    select.addEventListener('change', save);
    input.addEventListener('change', save);
  }

  function wire(row) {
    row.querySelector('.field-select').addEventListener('change', function () { refreshRelationship(row); save(); });
    row.querySelector('.rel-select').addEventListener('change', save);
  }

  // Columns the pipeline creates (derive, concat, split, rename) get a row; columns it removes are greyed out.
  document.addEventListener('dms:columns', function (event) {
    var output = event.detail;
    var known = {};
    var changed = false;
    Array.prototype.forEach.call(table.rows, function (row) {
      known[row.dataset.column] = true;
      var gone = output.indexOf(row.dataset.column) < 0;
      if (gone !== row.classList.contains('gone')) changed = true;
      row.classList.toggle('gone', gone);
      row.title = gone ? msg.msgNotOutput : '';
    });
    output.filter(function (c) { return !known[c]; }).forEach(function (column) {
      changed = true;
      var row = table.insertRow();
      row.dataset.column = column;
      var code = document.createElement('code');
      code.textContent = column;
      row.insertCell().appendChild(code);
      var select = fieldSelect('');
      select.className = 'field-select';
      row.insertCell().appendChild(select);
      row.insertCell();
      var rel = document.createElement('select');
      rel.className = 'rel-select';
      rel.hidden = true;
      row.insertCell().appendChild(rel);
      wire(row);
    });
    // Only a change of rows changes the mapping: saving otherwise would loop with the preview.
    if (changed) save();
  });

  Array.prototype.forEach.call(table.rows, wire);
  JSON.parse(section.dataset.constants || '[]').forEach(function (c) { addConstant(c.field, c.value); });
  document.getElementById('add-constant').addEventListener('click', function () { addConstant('', ''); });
  save();
})();
