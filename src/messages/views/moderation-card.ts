import { InlineKeyboard } from "grammy";
import type { LetterForCard } from "../../db/repositories/moderation.js";
import { precheckLetter } from "../../domain/precheck/index.js";
import type { LetterStatus } from "../../generated/prisma/client.js";
import { callback, id, oneOf } from "../callbacks.js";
import type { Translate } from "../i18n.js";
import { escapeHtml, formatUtc } from "../text.js";

/** What an operator may ask the writer to change; each has a `letter-reason` variant in both locales. */
export const CHANGE_REASONS = ["war", "case", "lgbt", "authorities", "swearing", "contacts", "codes", "illegible", "too-short", "other-changes"] as const;
/** Why a letter is not sent at all. */
export const REJECT_REASONS = ["hostile", "spam", "unsafe", "unreachable", "duplicate", "other-reject"] as const;
export type ChangeReason = (typeof CHANGE_REASONS)[number];
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The moderation card's buttons: letter ids and known reasons only, all well under 64 bytes. */
export const MOD_BUTTONS = {
  approve: callback("mod:ap", id),
  /** Choosing a reason, going back, and the translation mark only change the card's buttons. */
  card: callback("mod", oneOf(["ch", "rj", "bk", "tr"] as const), id),
  changeReason: callback("mod:cr", id, oneOf(CHANGE_REASONS)),
  rejectReason: callback("mod:rr", id, oneOf(REJECT_REASONS)),
};

export const MOD_CB = {
  approve: (letterId: number) => MOD_BUTTONS.approve.encode(letterId),
  changes: (letterId: number) => MOD_BUTTONS.card.encode("ch", letterId),
  reject: (letterId: number) => MOD_BUTTONS.card.encode("rj", letterId),
  back: (letterId: number) => MOD_BUTTONS.card.encode("bk", letterId),
  translation: (letterId: number) => MOD_BUTTONS.card.encode("tr", letterId),
  changeReason: (letterId: number, reason: ChangeReason) => MOD_BUTTONS.changeReason.encode(letterId, reason),
  rejectReason: (letterId: number, reason: RejectReason) => MOD_BUTTONS.rejectReason.encode(letterId, reason),
} as const;

/** "Mark as posted" under a batch. */
export const BATCH_POSTED_BUTTON = callback("bat:post", id);

/** Callback data of batch messages. */
export const BATCH_CB = {
  posted: (batchId: number) => BATCH_POSTED_BUTTON.encode(batchId),
} as const;

export function recipientLine(letter: LetterForCard): { name: string; facility: string } {
  if (letter.prisoner) {
    const p = letter.prisoner;
    return { name: [p.lastName, p.firstName, p.patronymic].filter(Boolean).join(" "), facility: p.facilityName };
  }
  const request = letter.specificRequest;
  return { name: request?.fullName ?? "—", facility: request?.facility ?? "—" };
}

interface Warning {
  code: string;
  matches: string[];
}

/**
 * The warnings the writer saw and sent anyway. Only their codes are stored (the matched words are
 * the letter's own, and the text is encrypted at rest), so the fragments are found again in the
 * decrypted text; rows from before that change may still carry theirs.
 */
function warningsOf(letter: LetterForCard): Warning[] {
  const raw = letter.precheckWarnings;
  if (!Array.isArray(raw) || raw.length === 0) return [];
  let found: Map<string, string[]> | undefined;
  const matchesFor = (code: string): string[] => {
    found ??= new Map((letter.text ? precheckLetter(letter.text) : []).map((w) => [w.code, [...w.matches]]));
    return found.get(code) ?? [];
  };
  return raw.flatMap((item) => {
    if (item && typeof item === "object" && !Array.isArray(item)) {
      const code = (item as Record<string, unknown>).code ?? (item as Record<string, unknown>).rule;
      const stored = (item as Record<string, unknown>).matches;
      if (typeof code === "string") {
        const kept = Array.isArray(stored) ? stored.filter((m): m is string => typeof m === "string") : [];
        return [{ code, matches: kept.length > 0 ? kept : matchesFor(code) }];
      }
    }
    return [];
  });
}

export interface DecisionInfo {
  status: LetterStatus;
  reason: string | null;
  operatorId: number | null;
  at: Date;
}

/** The card's first message (HTML): what the letter is, and once decided, who decided and when. */
export function cardHeader(t: Translate, letter: LetterForCard, decision?: DecisionInfo): string {
  const { name, facility } = recipientLine(letter);
  const lines = [
    t("mod-card-title", { code: letter.code }),
    ...(letter._count.statusEvents > 1 ? [t("mod-card-resubmitted", { version: letter._count.statusEvents })] : []),
    t("mod-card-recipient", { name: escapeHtml(name), facility: escapeHtml(facility) }),
    t("mod-card-language", { language: escapeHtml(letter.language) }) +
      (letter.needsTranslation ? ` · ${t("mod-card-needs-translation")}` : ""),
    letter.kind === "typed" ? t("mod-card-kind-typed") : t("mod-card-kind-handwritten", { pages: letter.pages.length }),
  ];
  if (letter.translationText) lines.push(t("mod-card-translation-attached"));
  const warnings = warningsOf(letter);
  if (warnings.length === 0) {
    lines.push(t("mod-card-no-warnings"));
  } else {
    lines.push(t("mod-card-warnings"));
    for (const w of warnings) {
      const quoted = w.matches.slice(0, 5).map((m) => `«${escapeHtml(m)}»`).join(", ");
      lines.push(`• ${t("mod-warning", { code: w.code })}${quoted ? `: ${quoted}` : ""}`);
    }
  }
  if (decision) {
    lines.push("");
    lines.push(
      t("mod-card-decided", {
        status: decision.status,
        who: decision.operatorId === null ? t("mod-who-system") : t("mod-who-operator", { id: decision.operatorId }),
        at: formatUtc(decision.at),
      }),
    );
    if (decision.reason) lines.push(t("mod-card-reason", { reasonText: t("letter-reason", { reason: decision.reason }) }));
    if (decision.status === "approved" && letter.needsTranslation && !letter.translationText) lines.push(t("mod-card-awaiting-translation"));
  } else {
    lines.push(t("mod-card-waiting"));
  }
  return lines.join("\n");
}

/** Buttons of a card still waiting for a decision. */
export function cardKeyboard(t: Translate, letter: Pick<LetterForCard, "id" | "language" | "needsTranslation">): InlineKeyboard {
  const kb = new InlineKeyboard()
    .text(t("mod-button-approve"), MOD_CB.approve(letter.id))
    .row()
    .text(t("mod-button-changes"), MOD_CB.changes(letter.id))
    .text(t("mod-button-reject"), MOD_CB.reject(letter.id));
  if (letter.language !== "ru") {
    kb.row().text(letter.needsTranslation ? t("mod-button-translation-off") : t("mod-button-translation-on"), MOD_CB.translation(letter.id));
  }
  return kb;
}

export function reasonKeyboard(t: Translate, letterId: number, kind: "changes" | "reject"): InlineKeyboard {
  const kb = new InlineKeyboard();
  // Short labels: the full reason (letter-reason) goes to the writer and onto the card.
  const buttons =
    kind === "changes"
      ? CHANGE_REASONS.map((reason) => [reason, MOD_CB.changeReason(letterId, reason)] as const)
      : REJECT_REASONS.map((reason) => [reason, MOD_CB.rejectReason(letterId, reason)] as const);
  for (const [reason, data] of buttons) kb.text(t("mod-reason-button", { reason }), data).row();
  return kb.text(t("mod-button-back"), MOD_CB.back(letterId));
}

/** Prefix of every content message, so replying to any part of a card names the letter. */
export function chunkPrefix(code: string, index: number, total: number): string {
  return total > 1 ? `${code} · ${index + 1}/${total}` : code;
}
