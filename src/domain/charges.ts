// Which criminal-code articles deserve the calm "why terrorism or extremism?" explanation on a
// prisoner's card: anti-war words are often prosecuted as "justification of terrorism", faith groups
// and opposition organisations are banned as "extremist".

/** Articles of the Russian Criminal Code about terrorism (205, 205.1-205.6). */
const TERRORISM = /^205(\.\d)?$/;
/** Articles about extremism: calls to extremism, incitement, extremist communities and organisations. */
const EXTREMISM = /^(280|280\.1|280\.4|282|282\.1|282\.2|282\.3|282\.4)$/;

/** "ч. 2 ст. 205.2 УК РФ" → "205.2"; "Art. 282.2" → "282.2"; undefined when no article number is found. */
export function articleNumber(article: string): string | undefined {
  const match = /(?:ст\.?|статья|статьи|art\.?|article)\s*(\d{3}(?:\.\d{1,2})?)/iu.exec(article);
  return match?.[1];
}

export type ChargeKind = "terrorism" | "extremism";

/** The alarming-sounding kinds of charge among the articles (empty when none). */
export function alarmingCharges(articles: readonly string[]): ChargeKind[] {
  const kinds = new Set<ChargeKind>();
  for (const article of articles) {
    const number = articleNumber(article);
    if (number === undefined) continue;
    if (TERRORISM.test(number)) kinds.add("terrorism");
    if (EXTREMISM.test(number)) kinds.add("extremism");
  }
  return [...kinds];
}

export function hasAlarmingCharges(articles: readonly string[]): boolean {
  return alarmingCharges(articles).length > 0;
}
