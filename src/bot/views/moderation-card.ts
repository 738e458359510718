import { InlineKeyboard } from "grammy";
import type { LetterForCard } from "../../db/repositories/moderation.js";
import type { LetterStatus } from "../../generated/prisma/client.js";

/** Operators are Russian-speaking volunteers: the operators' chat is written in Russian. */
export const OPERATORS_LOCALE = "ru";

/** What an operator may ask the writer to change; each has a `letter-reason` variant in both locales. */
export const CHANGE_REASONS = ["war", "case", "lgbt", "authorities", "swearing", "contacts", "codes", "illegible", "too-short", "other-changes"] as const;
/** Why a letter is not sent at all. */
export const REJECT_REASONS = ["hostile", "spam", "unsafe", "unreachable", "duplicate", "other-reject"] as const;
export type ChangeReason = (typeof CHANGE_REASONS)[number];
export type RejectReason = (typeof REJECT_REASONS)[number];

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** Callback data of the moderation card; letter ids only, all well under 64 bytes. */
export const MOD_CB = {
  approve: (id: number) => `mod:ap:${id}`,
  changes: (id: number) => `mod:ch:${id}`,
  reject: (id: number) => `mod:rj:${id}`,
  back: (id: number) => `mod:bk:${id}`,
  translation: (id: number) => `mod:tr:${id}`,
  changeReason: (id: number, reason: string) => `mod:cr:${id}:${reason}`,
  rejectReason: (id: number, reason: string) => `mod:rr:${id}:${reason}`,
} as const;

/** Callback data of batch messages. */
export const BATCH_CB = {
  posted: (id: number) => `bat:post:${id}`,
} as const;

/** Telegram's limit is 4096 characters per message; leave room for the "L-XXXX · 2/3" prefix. */
export const TEXT_CHUNK = 3800;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Splits at paragraph, then line, then word boundaries so no piece exceeds `max` characters. */
export function splitText(text: string, max = TEXT_CHUNK): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf("\n\n");
    if (cut < max / 2) cut = window.lastIndexOf("\n");
    if (cut < max / 2) cut = window.lastIndexOf(" ");
    if (cut < max / 2) cut = max;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) chunks.push(rest);
  return chunks;
}

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
  matches?: string[];
}

function warningsOf(letter: LetterForCard): Warning[] {
  const raw = letter.precheckWarnings;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item) => {
    if (item && typeof item === "object" && !Array.isArray(item)) {
      const code = (item as Record<string, unknown>).code ?? (item as Record<string, unknown>).rule;
      const matches = (item as Record<string, unknown>).matches;
      if (typeof code === "string") {
        return [{ code, matches: Array.isArray(matches) ? matches.filter((m): m is string => typeof m === "string") : [] }];
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

/** "27.11.2026 08:50 UTC": operators may sit in different time zones. */
export function formatUtc(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(at.getUTCDate())}.${pad(at.getUTCMonth() + 1)}.${at.getUTCFullYear()} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`;
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
      const quoted = (w.matches ?? []).slice(0, 5).map((m) => `«${escapeHtml(m)}»`).join(", ");
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
  const reasons = kind === "changes" ? CHANGE_REASONS : REJECT_REASONS;
  for (const reason of reasons) {
    kb.text(t("letter-reason", { reason }), kind === "changes" ? MOD_CB.changeReason(letterId, reason) : MOD_CB.rejectReason(letterId, reason)).row();
  }
  return kb.text(t("mod-button-back"), MOD_CB.back(letterId));
}

/** Prefix of every content message, so replying to any part of a card names the letter. */
export function chunkPrefix(code: string, index: number, total: number): string {
  return total > 1 ? `${code} · ${index + 1}/${total}` : code;
}
