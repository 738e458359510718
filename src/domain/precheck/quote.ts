/**
 * Joins quoted fragments for the `{ $matches }` placeable of the precheck-* messages, with the
 * quotation marks each language uses: «война», «СВО» / “war”, “army”.
 */
export function quoteMatches(matches: readonly string[], locale: string): string {
  const [open, close] = locale.startsWith("ru") ? ["«", "»"] : ["“", "”"];
  return matches.map((match) => `${open}${match}${close}`).join(", ");
}
