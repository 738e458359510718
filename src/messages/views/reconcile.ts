import type { Translate } from "../i18n.js";

/** What one reconciler run put back on its way, and what it found parked among failed jobs. */
export interface ReconcileCounts {
  letters: number;
  cards: number;
  replies: number;
  batches: number;
  /** Failed jobs left alone: each was reported when it failed. */
  parked: number;
}

export function repairedCount(counts: ReconcileCounts): number {
  return counts.letters + counts.cards + counts.replies + counts.batches;
}

/**
 * The operators' summary of a run: counts only, the kinds with nothing re-queued left out.
 * Undefined when nothing was repaired, so a healthy system stays quiet.
 */
export function reconcileSummary(t: Translate, counts: ReconcileCounts): string | undefined {
  if (repairedCount(counts) === 0) return undefined;
  const kinds = [
    ["reconcile-item-letters", counts.letters],
    ["reconcile-item-cards", counts.cards],
    ["reconcile-item-replies", counts.replies],
    ["reconcile-item-batches", counts.batches],
  ] as const;
  const items = kinds.filter(([, count]) => count > 0).map(([key, count]) => t(key, { count }));
  const summary = t("reconcile-summary", { items: items.join(", ") });
  return counts.parked > 0 ? `${summary}\n${t("reconcile-parked", { count: counts.parked })}` : summary;
}
