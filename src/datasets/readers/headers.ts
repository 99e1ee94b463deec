export interface HeaderRename {
  column: number;
  from: string;
  to: string;
}

/**
 * Stable column names: trimmed, an empty name becomes column_N (N = 1-based position),
 * and a repeated name gets _2, _3, ... in order of appearance (skipping names already taken).
 */
export function dedupeHeaders(raw: readonly unknown[]): { columns: string[]; renames: HeaderRename[] } {
  const columns: string[] = [];
  const renames: HeaderRename[] = [];
  const taken = new Set<string>();
  const base = raw.map((value, index) => {
    const text = value === null || value === undefined ? '' : String(value).trim();
    return text === '' ? `column_${index + 1}` : text;
  });
  // Names as written win over generated suffixes, so "a, a, a_2" gives a, a_3, a_2.
  const written = new Set(base);
  base.forEach((name, index) => {
    let candidate = name;
    for (let n = 2; taken.has(candidate); n += 1) {
      const next = `${name}_${n}`;
      if (!written.has(next) && !taken.has(next)) candidate = next;
    }
    taken.add(candidate);
    columns.push(candidate);
    const original = raw[index] === null || raw[index] === undefined ? '' : String(raw[index]);
    if (candidate !== original) renames.push({ column: index + 1, from: original, to: candidate });
  });
  return { columns, renames };
}
