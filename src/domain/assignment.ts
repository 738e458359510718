// Who gets assigned to a writer who asks for "someone to write to".
//
// The policy, in plain terms:
// 1. Only people who can receive letters (reachable, not released) are offered.
// 2. Never someone this writer already has an open assignment with, wrote to in the last
//    RECENT_LETTER_DAYS days, or turned down (asked for someone else) in the last
//    DECLINED_EXCLUSION_DAYS days.
// 3. "Load" = letters received + assignments currently open (not yet used, unexpired): an open
//    assignment will probably become a letter, so it counts at once and the next writer is sent
//    elsewhere.
// 4. Loads are grouped into tiers: 0 | 1 | 2-3 | 4-7 | 8-15 | ... A person is drawn only from the
//    lowest tier that has someone available, so nobody with no letters waits while others collect
//    more. Inside the tier the draw is random, weighted toward the lower load and toward shared
//    interests (a bonus, never a filter).
// 5. An assignment not used within ASSIGNMENT_LIFETIME_HOURS lapses and stops counting.
// 6. A writer may ask for someone else MAX_DECLINES_PER_DAY times in any 24 hours.

export const ASSIGNMENT_LIFETIME_HOURS = 72;
export const RECENT_LETTER_DAYS = 60;
export const DECLINED_EXCLUSION_DAYS = 30;
export const MAX_DECLINES_PER_DAY = 3;
export const DECLINE_WINDOW_HOURS = 24;

/** Exponent of the in-tier weight 1 / (1 + load)^k. */
export const LOAD_WEIGHT_EXPONENT = 2;
/** Each shared interest adds this much to the weight multiplier, up to MAX_SHARED_INTERESTS_COUNTED. */
export const SHARED_INTEREST_BONUS = 1;
export const MAX_SHARED_INTERESTS_COUNTED = 3;

/**
 * Lower bounds of the load tiers above tier 0 (load 0): tier n holds loads in
 * [bound[n-1], bound[n]). Also passed to PostgreSQL's width_bucket, so SQL and TypeScript agree.
 */
export const LOAD_TIER_LOWER_BOUNDS: readonly number[] = Array.from({ length: 24 }, (_, i) => 2 ** i);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The tier of a load: 0 for 0, 1 for 1, 2 for 2-3, 3 for 4-7, ... (same as width_bucket in SQL). */
export function loadTier(load: number): number {
  if (!Number.isInteger(load) || load < 0) throw new RangeError(`load must be a non-negative integer, got ${load}`);
  let tier = 0;
  for (const bound of LOAD_TIER_LOWER_BOUNDS) {
    if (load < bound) break;
    tier++;
  }
  return tier;
}

export function sharedInterestCount(writerInterests: readonly string[], prisonerInterests: readonly string[]): number {
  const mine = new Set(writerInterests);
  return new Set(prisonerInterests.filter((i) => mine.has(i))).size;
}

/** Relative chance of being drawn inside a tier (the SQL computes the same formula). */
export function drawWeight(load: number, sharedInterests: number): number {
  const bonus = 1 + SHARED_INTEREST_BONUS * Math.min(sharedInterests, MAX_SHARED_INTERESTS_COUNTED);
  return bonus / (1 + load) ** LOAD_WEIGHT_EXPONENT;
}

export function assignmentExpiresAt(now: Date): Date {
  return new Date(now.getTime() + ASSIGNMENT_LIFETIME_HOURS * HOUR_MS);
}

export function recentLetterSince(now: Date): Date {
  return new Date(now.getTime() - RECENT_LETTER_DAYS * DAY_MS);
}

export function declinedExclusionSince(now: Date): Date {
  return new Date(now.getTime() - DECLINED_EXCLUSION_DAYS * DAY_MS);
}

export function declineWindowSince(now: Date): Date {
  return new Date(now.getTime() - DECLINE_WINDOW_HOURS * HOUR_MS);
}

/** How many more times the writer may ask for someone else, given declines in the last 24 hours. */
export function declinesLeft(declinesInWindow: number): number {
  return Math.max(0, MAX_DECLINES_PER_DAY - declinesInWindow);
}
