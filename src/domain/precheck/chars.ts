/**
 * Character classes, computed once per character of a letter into a byte of flags. Plain Latin and
 * Russian letters are classified from their code; other scripts fall back to Unicode property
 * expressions, which are slow.
 */
export const LETTER = 1;
export const DIGIT = 2;
export const UPPER = 4;
export const CYRILLIC = 8;
export const LATIN = 16;
/** Letters, digits and the "*" that masks a letter ("х*й"). */
export const WORD = 32;

const P_LETTER = /\p{L}/u;
const P_NUMBER = /\p{N}/u;
const P_UPPER = /\p{Lu}/u;
const P_CYRILLIC = /\p{Script=Cyrillic}/u;
const P_LATIN = /\p{Script=Latin}/u;

export function classify(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c < 0x80) {
    if (c >= 0x61 && c <= 0x7a) return LETTER | LATIN | WORD;
    if (c >= 0x41 && c <= 0x5a) return LETTER | LATIN | UPPER | WORD;
    if (c >= 0x30 && c <= 0x39) return DIGIT | WORD;
    return c === 0x2a ? WORD : 0;
  }
  // U+0400..U+045F: the basic Cyrillic letters (А-я, Ё, ё, Ukrainian and Belarusian letters).
  if (c >= 0x400 && c <= 0x45f) return LETTER | CYRILLIC | WORD | (c < 0x430 ? UPPER : 0);
  if (P_LETTER.test(ch)) {
    return (
      LETTER |
      WORD |
      (P_UPPER.test(ch) ? UPPER : 0) |
      (P_CYRILLIC.test(ch) ? CYRILLIC : 0) |
      (P_LATIN.test(ch) ? LATIN : 0)
    );
  }
  return P_NUMBER.test(ch) ? DIGIT | WORD : 0;
}
