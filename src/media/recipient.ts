// What goes under "Куда" on a printed letter, and the date it carries. Pure: no clock, no I/O.

/** Letters are posted from Russia and read by Russian censors, so "today" is Moscow's day. */
export const LETTER_DATE_TIME_ZONE = "Europe/Moscow";

/**
 * Letters, digits and single spaces, lower case, ё as е: "ФКУ «ИК-79», " and "фку ик 79" compare
 * equal. Quotes, dashes and punctuation differ between registries and hand-typed addresses.
 */
function comparable(s: string): string {
  return s
    .toLowerCase()
    .replace(/ё/g, "е")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * The address lines under "Куда": the facility, then the postal address, unless the address
 * already names the facility (many imported addresses end with it, and a specific request keeps
 * the facility as its address), in which case the facility would be printed twice.
 */
export function recipientAddressLines(facility: string, postalAddress: string): string[] {
  const fac = comparable(facility);
  const address = comparable(postalAddress);
  if (!address) return fac ? [facility] : [];
  // Whole words only: "ИК-7" must not vanish because the address names "ИК-79".
  if (!fac || ` ${address} `.includes(` ${fac} `)) return [postalAddress];
  return [facility, postalAddress];
}

/**
 * The calendar day of `instant` in LETTER_DATE_TIME_ZONE, as a Date at noon UTC of that day, so a
 * formatter in any server time zone from UTC-11 to UTC+11 (Fluent's DATETIME uses the process's)
 * shows that same day.
 */
export function letterDay(instant: Date): Date {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: LETTER_DATE_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return new Date(Date.UTC(part("year"), part("month") - 1, part("day"), 12));
}
