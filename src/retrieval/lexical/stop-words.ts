/**
 * English function words left out of the lexical match when a query has other words. They occur
 * in most parts, so an OR over them matches nearly everything (slow) while adding next to nothing
 * to BM25 (their inverse document frequency is close to zero). Words in quoted phrases are kept.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from', 'has', 'have', 'if', 'in',
  'into', 'is', 'it', 'its', 'no', 'not', 'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then',
  'there', 'these', 'they', 'this', 'to', 'was', 'were', 'which', 'will', 'with', 'can', 'do',
  'does', 'so', 'than', 'we', 'you', 'your',
]);
