// Text as it may be printed: writers paste from anywhere, so NUL bytes, control and invisible
// format characters (bidi overrides, zero-width joiners) are removed before layout.

const LINE_BREAKS = /\r\n|[\r\u2028\u2029\u0085\v\f]/g;
// Cc (controls) except \n, Cf (format), Co (private use), Cs (lone surrogates), Cn (unassigned).
const INVISIBLE = /(?![\n])[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}]/gu;

/**
 * Normalises a letter's text for printing: NFC, \n line breaks, tabs as spaces, no control or
 * invisible characters, trailing spaces trimmed, at most one blank line between paragraphs.
 * When `drawable` is given, characters outside it (the font has no glyph) are dropped too.
 */
export function cleanPrintableText(text: string, drawable?: ReadonlySet<number>): string {
  let out = text.normalize("NFC").replace(LINE_BREAKS, "\n").replace(/\t/g, "    ").replace(INVISIBLE, "");
  if (drawable) {
    out = Array.from(out, (ch) => (ch === "\n" || drawable.has(ch.codePointAt(0) ?? 0) ? ch : "")).join("");
  }
  return out
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^\n+|\n+$/g, "");
}

/** The same cleaning for one-line fields (names, addresses): all whitespace runs become one space. */
export function cleanPrintableLine(text: string, drawable?: ReadonlySet<number>): string {
  return cleanPrintableText(text, drawable).replace(/\s+/g, " ").trim();
}
