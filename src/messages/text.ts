// Plain-text helpers of the message layer: HTML escaping, splitting to Telegram's message size, dates.

/** Telegram's limit is 4096 characters per message; leave room for the "L-XXXX · 2/3" prefix. */
export const TEXT_CHUNK = 3800;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Splits at paragraph, then line, then word boundaries so no piece exceeds `max` characters. */
export function splitText(text: string, max = TEXT_CHUNK): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf("\n\n");
    if (cut < max / 2) cut = window.lastIndexOf("\n");
    if (cut < max / 2) cut = window.lastIndexOf(" ");
    if (cut < max / 2) cut = max;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) chunks.push(rest);
  return chunks;
}

/** "27.11.2026 08:50 UTC": operators may sit in different time zones. */
export function formatUtc(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(at.getUTCDate())}.${pad(at.getUTCMonth() + 1)}.${at.getUTCFullYear()} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`;
}
