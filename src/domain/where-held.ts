// What writers may learn about where a person is held. People who cannot be written to are still
// in the list, so that a writer who looks for them is told why; for some of them the place itself
// must stay unknown. Applied to every card, result line, shared link and letter screen.
import type { CannotReceiveReasonKey } from "./prisoner-record.js";

/**
 * Reasons that keep the place secret: a protected identity (telling where they are held can put
 * them at risk) and a person who asked for privacy. Neither the facility nor the region it is in
 * is shown, and they are left out of browsing by region.
 */
export const PLACE_SECRET_REASONS = ["identity_protected", "asked_privacy"] as const satisfies readonly CannotReceiveReasonKey[];

// A string too: raw search rows carry the reason as text.
type WithReason = { cannotReceiveReason: string | null };

/** Whether the region the person is held in may be shown. */
export function mayShowRegion(p: WithReason): boolean {
  return !(PLACE_SECRET_REASONS as readonly string[]).includes(p.cannotReceiveReason ?? "");
}

/** Whether the facility may be shown: not when the place is secret, nor after a release (they are not held there). */
export function mayShowFacility(p: WithReason): boolean {
  return mayShowRegion(p) && p.cannotReceiveReason !== "released";
}
