/**
 * Remembers a pure function of a request header's text. Browsers send a handful of distinct values, asked
 * thousands of times a second; a client that sends new values each time only empties the memo.
 */
export function memoByText<T>(compute: (text: string) => T, capacity = 256): (text: string) => T {
  const known = new Map<string, T>();
  return (text) => {
    const hit = known.get(text);
    if (hit !== undefined || known.has(text)) return hit as T;
    if (known.size >= capacity) known.clear();
    const value = compute(text);
    known.set(text, value);
    return value;
  };
}
