// Text in the runtime's output (run lists, reports, cache listings, input folders) is ordered by
// Unicode code point, the same on every machine and in every locale — never by `localeCompare`,
// which follows the user's language. The runtime imports nothing of the compiler's, so it keeps
// its own comparator; test/order.test.ts holds it to syntax/order.ts.

/** Negative, zero or positive as `a` comes before, with or after `b` by code point. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  while (i < a.length && i < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}
