import type { DescribeSObjectResult } from './describe-types.js';
import { fieldByName, fieldByRelationship } from './describe-types.js';
import { relationshipKey, type Mapping } from './mapping.js';

/*
 * Data Loader's mapping files (.sdl): Java properties, one `source=destination` a line, `#` comments, a
 * backslash escaping space, ':', '=' and itself. A source in double quotes is a constant; a destination
 * may list several fields (comma-separated). A lookup by a parent's external id is written
 * `Relationship.ExternalIdField` (DMS also reads Data Loader's `Relationship:ExternalIdField`).
 */

const escape = (text: string) => text.replace(/([\\:= #!])/g, '\\$1');

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_whole, c: string) => (c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : c === 't' ? '\t' : c === 'n' ? '\n' : c));
}

/** The mapping as an .sdl file (for Data Loader, or another DMS). */
export function mappingToSdl(mapping: Mapping, savedAt = new Date()): string {
  const lines = ['#Mapping values', `#${savedAt.toUTCString()}`];
  for (const e of mapping.fields) lines.push(`${escape(e.column)}=${e.field}`);
  for (const e of mapping.relationships) lines.push(`${escape(e.column)}=${relationshipKey(e)}`);
  for (const c of mapping.constants) lines.push(`${escape(`"${c.value === null ? '' : String(c.value)}"`)}=${c.field}`);
  return `${lines.join('\n')}\n`;
}

/** Splits a properties line at its first unescaped '=' or ':'. */
function pair(line: string): [string, string] | undefined {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') { i++; continue; }
    if (line[i] === '=' || line[i] === ':') return [unescape(line.slice(0, i).trim()), unescape(line.slice(i + 1).trim())];
  }
  return undefined;
}

export interface SdlImport { mapping: Mapping; unknownColumns: string[]; unknownFields: string[] }

const literalOf = (text: string): Mapping['constants'][number]['value'] => (text === 'true' ? true : text === 'false' ? false : text);

/**
 * Reads an .sdl file against a dataset's columns (matched regardless of case, as Data Loader does) and the
 * object's describe. What matches nothing is reported, not guessed.
 */
export function sdlToMapping(text: string, columns: readonly string[], describe: DescribeSObjectResult): SdlImport {
  const mapping: Mapping = { object: describe.name, fields: [], relationships: [], constants: [] };
  const unknownColumns: string[] = [];
  const unknownFields: string[] = [];
  const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const parsed = pair(line);
    if (!parsed || !parsed[1]) continue;
    const [source, destinations] = parsed;
    for (const destination of destinations.split(',').map((d) => d.trim()).filter(Boolean)) {
      if (source.startsWith('"') && source.endsWith('"') && source.length >= 2) {
        const field = fieldByName(describe, destination);
        if (field) mapping.constants.push({ field: field.name, value: literalOf(source.slice(1, -1)) });
        else unknownFields.push(destination);
        continue;
      }
      const column = byLower.get(source.toLowerCase());
      if (!column) { unknownColumns.push(source); continue; }
      const [relation, key] = destination.split(/[.:]/);
      const lookup = key ? fieldByRelationship(describe, relation ?? '') : undefined;
      const field = key ? undefined : fieldByName(describe, destination);
      if (lookup?.relationshipName && key) mapping.relationships.push({ column, field: lookup.name, relationshipName: lookup.relationshipName, externalIdField: key });
      else if (field) mapping.fields.push({ column, field: field.name });
      else unknownFields.push(destination);
    }
  }
  return { mapping, unknownColumns, unknownFields };
}
