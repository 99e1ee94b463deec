/**
 * The instant a Salesforce date or datetime text names, in ms (NaN when it names none). Salesforce writes offsets
 * as `+0000`, ISO (and Date.parse) as `+00:00`; a bare date is its midnight UTC.
 */
export function instantOf(text: string): number {
  const t = text.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : t);
}
