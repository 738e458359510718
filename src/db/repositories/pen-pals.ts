// "My letters" by person: a writer's letters and the replies to them, grouped by whom they went to
// (a person in the list, or someone the writer asked for by name who is not matched to one yet).
import type { Prisma } from "../../generated/prisma/client.js";
import type { Db } from "../client.js";

/** A writer writes tens of letters, not thousands; the cap only bounds a pathological account. */
const MAX_LETTERS = 2000;

const threadSelect = {
  id: true,
  code: true,
  status: true,
  createdAt: true,
  prisonerId: true,
  prisoner: { select: { id: true, firstName: true, lastName: true, firstNameLatin: true, lastNameLatin: true, canReceiveLetters: true } },
  specificRequest: {
    select: {
      id: true,
      fullName: true,
      prisoner: { select: { id: true, firstName: true, lastName: true, firstNameLatin: true, lastNameLatin: true, canReceiveLetters: true } },
    },
  },
  replies: {
    where: { deliveryState: "delivered" },
    orderBy: { receivedAt: "asc" },
    select: {
      id: true,
      receivedAt: true,
      deliveredAt: true,
      needsTranslation: true,
      translatedAt: true,
      translationDeliveredAt: true,
      translationRequestedAt: true,
      _count: { select: { pages: true } },
    },
  },
} as const satisfies Prisma.LetterSelect;

type ThreadLetter = Prisma.LetterGetPayload<{ select: typeof threadSelect }>;
type PersonRow = NonNullable<ThreadLetter["prisoner"]>;

/** Whom a thread is with: a person in the list, or an unmatched request (by its id). */
export type PenPalKey = { prisonerId: number } | { specificRequestId: number };

export interface PenPal {
  key: PenPalKey;
  /** Names in both spellings (a request has only the name the writer typed). */
  nameRu: string;
  nameLatin: string;
  /** A person in the list who can receive letters now: "Write again" is offered. */
  canWrite: boolean;
  letters: number;
  replies: number;
  /** The latest letter or reply: the list is ordered by it, newest first. */
  lastAt: Date;
}

export type ThreadEntry =
  | { kind: "letter"; at: Date; letterId: number; code: string; status: ThreadLetter["status"] }
  | {
      kind: "reply";
      at: Date;
      replyId: number;
      letterCode: string;
      pages: number;
      /** none: no translation asked or needed; coming: asked or needed, not sent yet; sent. */
      translation: "none" | "coming" | "sent";
    };

function personOf(letter: ThreadLetter): PersonRow | null {
  return letter.prisoner ?? letter.specificRequest?.prisoner ?? null;
}

function keyOf(letter: ThreadLetter): PenPalKey | null {
  const person = personOf(letter);
  if (person) return { prisonerId: person.id };
  return letter.specificRequest ? { specificRequestId: letter.specificRequest.id } : null;
}

function sameKey(a: PenPalKey, b: PenPalKey): boolean {
  return "prisonerId" in a ? "prisonerId" in b && a.prisonerId === b.prisonerId : "specificRequestId" in b && a.specificRequestId === b.specificRequestId;
}

function lettersOf(db: Db, writerId: number): Promise<ThreadLetter[]> {
  return db.letter.findMany({ where: { writerId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: MAX_LETTERS, select: threadSelect });
}

function entriesOf(letters: ThreadLetter[]): ThreadEntry[] {
  const entries: ThreadEntry[] = [];
  for (const letter of letters) {
    entries.push({ kind: "letter", at: letter.createdAt, letterId: letter.id, code: letter.code, status: letter.status });
    for (const reply of letter.replies) {
      const translation = reply.translationDeliveredAt ? "sent" : reply.needsTranslation || reply.translationRequestedAt ? "coming" : "none";
      entries.push({ kind: "reply", at: reply.receivedAt, replyId: reply.id, letterCode: letter.code, pages: reply._count.pages, translation });
    }
  }
  // In the order things happened: my letter, their reply, my answer...
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.kind === b.kind ? 0 : a.kind === "letter" ? -1 : 1));
}

function palOf(key: PenPalKey, letters: ThreadLetter[]): PenPal {
  const first = letters[0];
  const person = first ? personOf(first) : null;
  const typed = first?.specificRequest?.fullName ?? "—";
  const entries = entriesOf(letters);
  return {
    key,
    nameRu: person ? `${person.firstName} ${person.lastName}` : typed,
    nameLatin: person ? `${person.firstNameLatin} ${person.lastNameLatin}` : typed,
    canWrite: person?.canReceiveLetters ?? false,
    letters: letters.length,
    replies: entries.filter((e) => e.kind === "reply").length,
    lastAt: entries.at(-1)?.at ?? new Date(0),
  };
}

/** The writer's pen pals, the most recent exchange first. */
export async function listPenPals(db: Db, writerId: number): Promise<PenPal[]> {
  const groups: { key: PenPalKey; letters: ThreadLetter[] }[] = [];
  for (const letter of await lettersOf(db, writerId)) {
    const key = keyOf(letter);
    if (!key) continue;
    const group = groups.find((g) => sameKey(g.key, key));
    if (group) group.letters.push(letter);
    else groups.push({ key, letters: [letter] });
  }
  return groups.map((g) => palOf(g.key, g.letters)).sort((a, b) => b.lastAt.getTime() - a.lastAt.getTime());
}

/** One pen pal and the whole exchange with them in order; null if the writer never wrote to them. */
export async function loadThread(db: Db, writerId: number, key: PenPalKey): Promise<{ pal: PenPal; entries: ThreadEntry[] } | null> {
  const all = await lettersOf(db, writerId);
  // A request matched to a person since: its thread is that person's.
  const request = "specificRequestId" in key ? all.find((letter) => letter.specificRequest?.id === key.specificRequestId) : undefined;
  const wanted = (request && keyOf(request)) ?? key;
  const letters = all.filter((letter) => {
    const own = keyOf(letter);
    return own !== null && sameKey(own, wanted);
  });
  if (letters.length === 0) return null;
  return { pal: palOf(wanted, letters), entries: entriesOf(letters) };
}
