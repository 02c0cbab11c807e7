/**
 * A light English suffix stripper (plural, -ing, -ed, -ly), so that "files" meets "file" and
 * "copying" meets "copy" when the re-ranker compares words. Deliberately conservative: it only
 * has to make the same word forms meet; over-stemming would merge unrelated words.
 */
export function lightStem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && (w.endsWith('sses') || w.endsWith('xes') || w.endsWith('ches') || w.endsWith('shes'))) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = undouble(w.slice(0, -3));
  else if (w.length > 4 && w.endsWith('ed')) w = undouble(w.slice(0, -2));
  else if (w.length > 4 && w.endsWith('ly')) w = w.slice(0, -2);
  return w;
}

/** "copying" -> "copy", "running" -> "run", "stopped" -> "stop". */
function undouble(stem: string): string {
  const n = stem.length;
  if (n > 2 && stem[n - 1] === stem[n - 2] && !'lsz'.includes(stem[n - 1]!)) return stem.slice(0, -1);
  return stem;
}
