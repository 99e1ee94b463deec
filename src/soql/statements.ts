/** A SOQL string literal: quoted, with backslashes, quotes, line breaks and tabs escaped as SOQL escapes them. */
export const soqlString = (text: string): string =>
  `'${text.replace(/[\\']/g, '\\$&').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;

/**
 * Encoded query text per call: Salesforce takes URIs up to 16,384 characters, and a request line this long passes
 * any HTTP server's default header limit (Node's is 16 KB in all) with the path and headers.
 */
export const MAX_ENCODED_SOQL = 8000;

/**
 * `head` (a statement ending in `IN (`) completed with the literals, cut into as few statements as keep each within
 * MAX_ENCODED_SOQL once URL-encoded: in order, every literal once, at least one a statement.
 */
export function inListQueries(head: string, literals: Iterable<string>): string[] {
  const budget = MAX_ENCODED_SOQL - encodeURIComponent(`${head})`).length;
  const queries: string[] = [];
  let list: string[] = [];
  let size = 0;
  for (const literal of literals) {
    const cost = encodeURIComponent(`${literal},`).length;
    if (list.length > 0 && size + cost > budget) {
      queries.push(`${head}${list.join(',')})`);
      list = [];
      size = 0;
    }
    list.push(literal);
    size += cost;
  }
  if (list.length > 0) queries.push(`${head}${list.join(',')})`);
  return queries;
}
