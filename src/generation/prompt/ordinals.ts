/**
 * `$vectaraIdxWord`: ordinal words indexed from 0, so `$vectaraIdxWord[$foreach.index]` names a
 * result ("first", "second", …). Vectara documents the first ten; we spell out as many as there
 * are results, so a template never falls off the end of the list.
 */

const SMALL = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const IRREGULAR: Readonly<Record<string, string>> = {
  one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth',
};

function cardinal(n: number): string {
  if (n < 20) return SMALL[n]!;
  if (n < 100) return TENS[Math.floor(n / 10)]! + (n % 10 ? `-${SMALL[n % 10]}` : '');
  return `${SMALL[Math.floor(n / 100)]} hundred` + (n % 100 ? ` ${cardinal(n % 100)}` : '');
}

/** The ordinal word for n ≥ 1: 1 → "first", 42 → "forty-second"; from 1000 on, "1000th". */
export function ordinalWord(n: number): string {
  if (n >= 1000) {
    const lastTwo = n % 100;
    const suffix = lastTwo >= 11 && lastTwo <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
    return `${n}${suffix}`;
  }
  const words = cardinal(n);
  return words.replace(/[a-z]+$/, (last) => IRREGULAR[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`));
}

/** Ordinal words for indexes 0..count-1, at least the ten Vectara documents. */
export function ordinalWords(count: number): string[] {
  return Array.from({ length: Math.max(10, count) }, (_, i) => ordinalWord(i + 1));
}
