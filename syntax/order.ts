// The one order of text in flowc's output: by Unicode code point, the same on every machine and
// in every locale. `localeCompare` and `Intl.Collator` follow the user's language (under
// LC_ALL=et_EE.UTF-8 'z' sorts between 's' and 't'), and `<` on strings compares UTF-16 code units,
// which puts U+10000 and above before U+E000–U+FFFF.

/** Negative, zero or positive as `a` comes before, with or after `b` by code point. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A UTF-16 code unit's place in code point order: surrogates (U+D800–U+DFFF) go after U+FFFF. */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** A comparator of values by a text key, in code point order. */
export function byCodePoints<T>(key: (value: T) => string): (a: T, b: T) => number {
  return (a, b) => compareCodePoints(key(a), key(b));
}
