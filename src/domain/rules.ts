// The censorship rules a writer confirms before the first letter. The texts live in locales
// (rules-digest, guide-*); this is their version. Raise RULES_VERSION whenever the digest changes
// in substance: every writer is then asked to read it again before the next letter.

export const RULES_VERSION = 1;

/** True when the writer never confirmed the rules, or confirmed an older version of them. */
export function rulesAcceptanceNeeded(acceptedVersion: number | null | undefined, current: number = RULES_VERSION): boolean {
  return acceptedVersion === null || acceptedVersion === undefined || acceptedVersion < current;
}

/** The sections of the full guide, in reading order; each has guide-<id>-title and guide-<id>-text keys. */
export const GUIDE_SECTIONS = ["start", "censorship", "what", "tips", "after", "support", "charges"] as const;
export type GuideSection = (typeof GUIDE_SECTIONS)[number];

export function isGuideSection(value: string): value is GuideSection {
  return (GUIDE_SECTIONS as readonly string[]).includes(value);
}
