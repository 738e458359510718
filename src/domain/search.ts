// Rules of the search screens: query checks, paging, short keys for facet values. No Telegram here.
import { createHash } from "node:crypto";
import { normalizeName } from "./names.js";

/** Results per page of the search and browse screens. */
export const SEARCH_PAGE_SIZE = 5;
/** Facet values (interests, professions, ...) per page of buttons. */
export const FACET_PAGE_SIZE = 8;
/** A name query longer than this is refused (names are never that long; it is pasted text). */
export const MAX_QUERY_LENGTH = 100;

export type QueryProblem = "empty" | "too-long" | "no-letters";

/** Why a typed query cannot be searched for, or null when it can. */
export function queryProblem(query: string): QueryProblem | null {
  const trimmed = query.trim();
  if (trimmed === "") return "empty";
  if ([...trimmed].length > MAX_QUERY_LENGTH) return "too-long";
  if (normalizeName(trimmed) === "") return "no-letters";
  return null;
}

/**
 * The query as it is kept for paging and shown back: control and invisible format characters
 * (NUL, zero-width, bidi marks) removed, spaces collapsed, NFC, at most MAX_QUERY_LENGTH characters.
 */
export function cleanQuery(query: string): string {
  // Invisible format characters vanish (a zero-width space inside a name); control characters separate.
  const cleaned = query.normalize("NFC").replace(/\p{Cf}+/gu, "").replace(/\p{Cc}+/gu, " ").replace(/\s+/g, " ").trim();
  return [...cleaned].slice(0, MAX_QUERY_LENGTH).join("");
}

export interface PageInfo {
  /** 0-based page actually shown (a page past the end shows the last one). */
  page: number;
  pages: number;
  offset: number;
  /** True when the requested page did not exist. */
  clamped: boolean;
}

/** Which page to show for a requested page and a total; at least one page, even when empty. */
export function pageInfo(requested: number, total: number, pageSize: number): PageInfo {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(0, requested), pages - 1);
  return { page, pages, offset: page * pageSize, clamped: page !== requested };
}

const SIMPLE_KEY = /^[a-z0-9-]{1,40}$/;

/**
 * A short key for a facet value that fits callback data: tag-like values as they are, free text
 * (a profession, a Cyrillic region) as a hash prefix, resolved by comparing against the values.
 */
export function facetValueKey(value: string): string {
  if (SIMPLE_KEY.test(value)) return value;
  return `h${createHash("sha256").update(value).digest("base64url").slice(0, 11)}`;
}
