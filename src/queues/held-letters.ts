// Held letters put back on their way (by a prisoner-list import or an operator's press): each gets
// its card or print job back under the normal path's job id, and its writer one notice. Shared by
// the import command and the bot. Ids and codes only.
import type { ReleasedLetter } from "../db/repositories/letter-holds.js";
import type { Queues } from "./index.js";

/** The writer's notice about a release: unique to the release's (first) status event. */
export function releaseNoticeDedupeKey(letter: Pick<ReleasedLetter, "letterId" | "eventId">): string {
  return `letter-${letter.letterId}-released-${letter.eventId}`;
}

/**
 * Queues what each released letter waits for: a submitted one a new moderation card (its version
 * counts the release, so the card job is new), an approved one its print job. Then each writer is
 * told once: about their letter, or about all of theirs released together.
 * Run after the release's transaction committed; the reconciler puts back any job lost on the way.
 */
export async function sendReleasedOnTheirWay(queues: Queues, released: readonly ReleasedLetter[]): Promise<void> {
  const byWriter = new Map<number, ReleasedLetter[]>();
  for (const letter of released) {
    if (letter.status === "submitted") await queues.moderation({ letterId: letter.letterId, version: letter.version });
    else await queues.print({ letterId: letter.letterId });
    byWriter.set(letter.writerId, [...(byWriter.get(letter.writerId) ?? []), letter]);
  }
  for (const [writerId, letters] of byWriter) {
    const first = letters[0]!;
    await queues.notify({
      writerId,
      key: letters.length === 1 ? "letters-status-hold-released" : "letters-status-hold-released-many",
      params: letters.length === 1 ? { code: first.code } : { code: first.code, more: letters.length - 1 },
      dedupeKey: releaseNoticeDedupeKey(first),
    });
  }
}
