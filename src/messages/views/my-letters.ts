import { callback, id, page } from "../callbacks.js";

/** The "My letters" buttons that carry ids, for handlers to decode. */
export const MY_BUTTONS = {
  /** The next page of the list, by offset. */
  page: callback("my:list", page),
  letter: callback("my:l", id),
  /** "Fix and send again" after "needs changes": the letter flow edits the same letter. */
  resubmit: callback("my:rs", id),
  openReply: callback("my:r", id),
  /** One pen pal's exchange: a person in the list, by prisoner id; the page counts back from the latest. */
  thread: callback("my:tp", id, page),
  /** The same for someone asked for by name and not matched to the list (by request id). */
  requestThread: callback("my:tq", id, page),
  /** "Write again" to a person in the list (by prisoner id). */
  writeAgain: callback("my:wa", id),
  /** A reply's translation: shown when there is one, asked of the operators when not. */
  translation: callback("my:tr", id),
};

/** Callback data of the "My letters" screens; ids only. */
export const MY_CB = {
  list: "my:list",
  page: (offset: number) => MY_BUTTONS.page.encode(offset),
  letter: (letterId: number) => MY_BUTTONS.letter.encode(letterId),
  resubmit: (letterId: number) => MY_BUTTONS.resubmit.encode(letterId),
  openReply: (replyId: number) => MY_BUTTONS.openReply.encode(replyId),
  thread: (key: { prisonerId: number } | { specificRequestId: number }, pageBack = 0) =>
    "prisonerId" in key ? MY_BUTTONS.thread.encode(key.prisonerId, pageBack) : MY_BUTTONS.requestThread.encode(key.specificRequestId, pageBack),
  writeAgain: (prisonerId: number) => MY_BUTTONS.writeAgain.encode(prisonerId),
  translation: (replyId: number) => MY_BUTTONS.translation.encode(replyId),
} as const;

/** Entries of one pen pal's exchange per screen; older ones are a page back. */
export const THREAD_PAGE_ENTRIES = 8;
/** Button labels stay short: a long name is cut. */
const NAME_IN_BUTTON = 22;

export function shortLabel(name: string, max = NAME_IN_BUTTON): string {
  return name.length <= max ? name : `${name.slice(0, max - 1).trimEnd()}…`;
}

/** The slice of the exchange shown on page `pageBack` (0: the latest), in order, and how many pages there are. */
export function threadPage<T>(entries: readonly T[], pageBack: number): { shown: T[]; pages: number; pageBack: number } {
  const pages = Math.max(1, Math.ceil(entries.length / THREAD_PAGE_ENTRIES));
  const back = Math.min(Math.max(0, pageBack), pages - 1);
  const end = entries.length - back * THREAD_PAGE_ENTRIES;
  return { shown: entries.slice(Math.max(0, end - THREAD_PAGE_ENTRIES), end), pages, pageBack: back };
}
