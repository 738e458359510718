import type { MessageEntity } from "grammy/types";
import { badRequest, type TelegramApiError } from "./errors.js";

/** Text and entities as Telegram stores them after parsing `parse_mode`. */
export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

// The parsers below follow tdlib's (the library behind the Bot API server) so that a message the
// fake accepts is one Telegram accepts, and the error texts match what a bot would see in production.

const cantParse = (what: string): TelegramApiError => badRequest(`can't parse entities: ${what}`);
const byteOffset = (text: string, index: number): number => Buffer.byteLength(text.slice(0, index), "utf8");
const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\r" || c === "\n";

function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/** `tg://user?id=123` links become text_mention entities in Telegram. */
function linkUserId(url: string): number | undefined {
  const m = /^tg:(?:\/\/)?user\?id=(\d+)$/i.exec(url);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

function isValidUrl(url: string): boolean {
  if (/^(https?|tg|ftp):/i.test(url)) {
    try {
      new URL(url);
      return true;
    } catch {
      return false;
    }
  }
  // Telegram prepends http:// to bare domains.
  return /^[\w-]+(\.[\w-]+)+(\/\S*)?$/.test(url);
}

function linkEntity(url: string, offset: number, length: number): MessageEntity | undefined {
  const userId = linkUserId(url);
  if (userId !== undefined) {
    return { type: "text_mention", offset, length, user: { id: userId, is_bot: false, first_name: "" } };
  }
  if (!isValidUrl(url)) return undefined;
  const normalized = /^[a-z][\w+.-]*:/i.test(url) ? url : `http://${url}`;
  return { type: "text_link", offset, length, url: normalized };
}

const NAMED_HTML_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** Decodes `&...;` at `i`; returns the character and the index after `;`, or undefined to keep `&` literally. */
function decodeHtmlEntity(text: string, i: number): { ch: string; end: number } | undefined {
  const m = /^&(#x[0-9a-f]{1,8}|#[0-9]{1,10}|[a-z]{2,10});/i.exec(text.slice(i, i + 14));
  if (m?.[1] === undefined) return undefined;
  const body = m[1];
  let code: number | undefined;
  if (body.startsWith("#x") || body.startsWith("#X")) code = parseInt(body.slice(2), 16);
  else if (body.startsWith("#")) code = parseInt(body.slice(1), 10);
  else {
    const named = NAMED_HTML_ENTITIES[body.toLowerCase()];
    return named === undefined ? undefined : { ch: named, end: i + m[0].length };
  }
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return { ch: String.fromCodePoint(code), end: i + m[0].length };
}

const HTML_TAGS = new Set([
  "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
]);

interface OpenTag {
  name: string;
  argument: string;
  expandable: boolean;
  offset: number;
}

export function parseHtml(text: string): FormattedText {
  let result = "";
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "&") {
      const decoded = decodeHtmlEntity(text, i);
      if (decoded !== undefined) {
        result += decoded.ch;
        i = decoded.end;
        continue;
      }
    }
    if (c !== "<") {
      result += c;
      i++;
      continue;
    }
    const begin = i++;
    if (text[i] !== "/") {
      while (i < text.length && !isSpace(text[i]) && text[i] !== ">") i++;
      if (i >= text.length) throw cantParse(`Unclosed start tag at byte offset ${byteOffset(text, begin)}`);
      const name = text.slice(begin + 1, i).toLowerCase();
      if (!HTML_TAGS.has(name)) throw cantParse(`Unsupported start tag "${name}" at byte offset ${byteOffset(text, begin)}`);
      let argument = "";
      let expandable = false;
      while (text[i] !== ">") {
        while (i < text.length && isSpace(text[i])) i++;
        if (i >= text.length) throw cantParse(`Unclosed start tag at byte offset ${byteOffset(text, begin)}`);
        if (text[i] === ">") break;
        const attrBegin = i;
        while (i < text.length && !isSpace(text[i]) && text[i] !== "=" && text[i] !== ">") i++;
        const attrName = text.slice(attrBegin, i).toLowerCase();
        if (attrName === "") throw cantParse(`Empty attribute name in the tag "${name}" at byte offset ${byteOffset(text, begin)}`);
        while (i < text.length && isSpace(text[i])) i++;
        if (text[i] !== "=") {
          if (name === "blockquote" && attrName === "expandable") expandable = true;
          continue;
        }
        i++;
        while (i < text.length && isSpace(text[i])) i++;
        if (i >= text.length) throw cantParse(`Unclosed start tag at byte offset ${byteOffset(text, begin)}`);
        let value = "";
        const quote = text[i];
        if (quote !== "'" && quote !== '"') {
          const tokenBegin = i;
          while (i < text.length && /[A-Za-z0-9.-]/.test(text[i] ?? "")) i++;
          value = text.slice(tokenBegin, i).toLowerCase();
          if (!isSpace(text[i]) && text[i] !== ">") {
            throw cantParse(`Unexpected end of name token at byte offset ${byteOffset(text, tokenBegin)}`);
          }
        } else {
          i++;
          while (i < text.length && text[i] !== quote) {
            const decoded = text[i] === "&" ? decodeHtmlEntity(text, i) : undefined;
            if (decoded !== undefined) {
              value += decoded.ch;
              i = decoded.end;
            } else {
              value += text[i];
              i++;
            }
          }
          if (text[i] === quote) i++;
        }
        if (i >= text.length) throw cantParse(`Unclosed start tag at byte offset ${byteOffset(text, begin)}`);
        if (name === "a" && attrName === "href") argument = value;
        else if (name === "code" && attrName === "class" && value.startsWith("language-")) argument = value.slice(9);
        else if (name === "span" && attrName === "class" && value.startsWith("tg-")) argument = value.slice(3);
        else if (name === "tg-emoji" && attrName === "emoji-id") argument = value;
      }
      if (name === "span" && argument !== "spoiler") {
        throw cantParse(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(text, begin)}`);
      }
      open.push({ name, argument, expandable, offset: result.length });
      i++;
      continue;
    }
    // An end tag.
    const top = open.pop();
    if (top === undefined) throw cantParse(`Unexpected end tag at byte offset ${byteOffset(text, begin)}`);
    i++;
    const nameBegin = i;
    while (i < text.length && !isSpace(text[i]) && text[i] !== ">") i++;
    const endName = text.slice(nameBegin, i).toLowerCase();
    while (i < text.length && isSpace(text[i])) i++;
    if (text[i] !== ">") throw cantParse(`Unclosed end tag at byte offset ${byteOffset(text, begin)}`);
    i++;
    if (endName !== "" && endName !== top.name) {
      throw cantParse(
        `Unmatched end tag at byte offset ${byteOffset(text, begin)}, expected "</${top.name}>", found "</${endName}>"`,
      );
    }
    const length = result.length - top.offset;
    if (length <= 0) continue;
    const offset = top.offset;
    switch (top.name) {
      case "b":
      case "strong":
        entities.push({ type: "bold", offset, length });
        break;
      case "i":
      case "em":
        entities.push({ type: "italic", offset, length });
        break;
      case "u":
      case "ins":
        entities.push({ type: "underline", offset, length });
        break;
      case "s":
      case "strike":
      case "del":
        entities.push({ type: "strikethrough", offset, length });
        break;
      case "tg-spoiler":
      case "span":
        entities.push({ type: "spoiler", offset, length });
        break;
      case "tg-emoji":
        if (!/^\d+$/.test(top.argument)) throw cantParse("Invalid custom emoji identifier specified");
        entities.push({ type: "custom_emoji", offset, length, custom_emoji_id: top.argument });
        break;
      case "a": {
        const entity = linkEntity(top.argument === "" ? result.slice(offset) : top.argument, offset, length);
        if (entity !== undefined) entities.push(entity);
        break;
      }
      case "pre": {
        // <pre><code class="language-x"> becomes one pre entity with a language.
        const inner = entities.findIndex((e) => e.type === "code" && e.offset === offset && e.length === length);
        const language = inner >= 0 ? codeLanguages.get(entities[inner] as MessageEntity) : undefined;
        if (inner >= 0) entities.splice(inner, 1);
        entities.push(language ? { type: "pre", offset, length, language } : { type: "pre", offset, length });
        break;
      }
      case "code": {
        const entity: MessageEntity = { type: "code", offset, length };
        if (top.argument !== "") codeLanguages.set(entity, top.argument);
        entities.push(entity);
        break;
      }
      case "blockquote":
        entities.push({ type: top.expandable ? "expandable_blockquote" : "blockquote", offset, length });
        break;
    }
  }
  const unclosed = open.pop();
  if (unclosed !== undefined) throw cantParse(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text: result, entities: sortEntities(entities) };
}

// A language on <code> only matters when a <pre> wraps it; remembered off to the side.
const codeLanguages = new WeakMap<MessageEntity, string>();

type MarkdownEntity = "Bold" | "Italic" | "Underline" | "Strikethrough" | "Spoiler" | "Code" | "Pre" | "TextUrl" | "CustomEmoji";

interface OpenMarkdown {
  type: MarkdownEntity;
  language: string;
  offset: number;
  byte: number;
}

const MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!";

export function parseMarkdownV2(text: string): FormattedText {
  let result = "";
  const entities: MessageEntity[] = [];
  const open: OpenMarkdown[] = [];
  let quoteStart: number | undefined;
  const closeQuote = (): void => {
    if (quoteStart === undefined) return;
    // The newline that ends a quote is not part of it.
    const end = result.endsWith("\n") ? result.length - 1 : result.length;
    if (end > quoteStart) entities.push({ type: "blockquote", offset: quoteStart, length: end - quoteStart });
    quoteStart = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const atLineStart = i === 0 || text[i - 1] === "\n";
    const inCode = open.some((e) => e.type === "Code" || e.type === "Pre");
    if (atLineStart && !inCode) {
      if (c === ">") {
        quoteStart ??= result.length;
        continue;
      }
      closeQuote();
    }
    const next = text.charCodeAt(i + 1);
    if (c === "\\" && next > 0 && next <= 126) {
      i++;
      result += text[i];
      continue;
    }
    const top = open[open.length - 1];
    const reserved = top?.type === "Code" || top?.type === "Pre" ? "`" : MARKDOWN_V2_RESERVED;
    if (!reserved.includes(c)) {
      result += c;
      continue;
    }
    let isEnd = false;
    if (top !== undefined) {
      switch (top.type) {
        case "Bold":
          isEnd = c === "*";
          break;
        case "Italic":
          isEnd = c === "_" && text[i + 1] !== "_";
          break;
        case "Code":
          isEnd = c === "`";
          break;
        case "Pre":
          isEnd = c === "`" && text[i + 1] === "`" && text[i + 2] === "`";
          break;
        case "TextUrl":
        case "CustomEmoji":
          isEnd = c === "]";
          break;
        case "Underline":
          isEnd = c === "_" && text[i + 1] === "_";
          break;
        case "Strikethrough":
          isEnd = c === "~";
          break;
        case "Spoiler":
          isEnd = c === "|" && text[i + 1] === "|";
          break;
      }
    }
    const reservedError = (): TelegramApiError =>
      cantParse(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    if (!isEnd) {
      const byte = byteOffset(text, i);
      let type: MarkdownEntity;
      let language = "";
      switch (c) {
        case "_":
          if (text[i + 1] === "_") {
            type = "Underline";
            i++;
          } else type = "Italic";
          break;
        case "*":
          type = "Bold";
          break;
        case "~":
          type = "Strikethrough";
          break;
        case "|":
          if (text[i + 1] !== "|") throw reservedError();
          i++;
          type = "Spoiler";
          break;
        case "[":
          type = "TextUrl";
          break;
        case "`":
          if (text[i + 1] === "`" && text[i + 2] === "`") {
            i += 3;
            type = "Pre";
            let languageEnd = i;
            while (languageEnd < text.length && !isSpace(text[languageEnd]) && text[languageEnd] !== "`") languageEnd++;
            if (languageEnd !== i && languageEnd < text.length && text[languageEnd] !== "`") {
              language = text.slice(i, languageEnd);
              i = languageEnd;
            }
            if (text[i] === "\n" || text[i] === "\r") {
              const pair = (text[i + 1] === "\n" || text[i + 1] === "\r") && text[i] !== text[i + 1];
              i += pair ? 2 : 1;
            }
            i--;
          } else type = "Code";
          break;
        case "!":
          if (text[i + 1] === "[") {
            i++;
            type = "CustomEmoji";
            break;
          }
          throw reservedError();
        default:
          throw reservedError();
      }
      open.push({ type, language, offset: result.length, byte });
      continue;
    }
    const entity = open.pop() as OpenMarkdown;
    const offset = entity.offset;
    const length = result.length - offset;
    const skip = length === 0;
    switch (entity.type) {
      case "Underline":
      case "Spoiler":
        i++;
        if (!skip) entities.push({ type: entity.type === "Underline" ? "underline" : "spoiler", offset, length });
        break;
      case "Pre":
        i += 2;
        if (!skip) {
          entities.push(entity.language ? { type: "pre", offset, length, language: entity.language } : { type: "pre", offset, length });
        }
        break;
      case "Bold":
        if (!skip) entities.push({ type: "bold", offset, length });
        break;
      case "Italic":
        if (!skip) entities.push({ type: "italic", offset, length });
        break;
      case "Strikethrough":
        if (!skip) entities.push({ type: "strikethrough", offset, length });
        break;
      case "Code":
        if (!skip) entities.push({ type: "code", offset, length });
        break;
      case "TextUrl":
      case "CustomEmoji": {
        let url: string;
        if (text[i + 1] !== "(") {
          if (entity.type === "CustomEmoji") throw cantParse("Custom emoji entity must contain a tg://emoji URL");
          url = result.slice(offset);
        } else {
          i += 2;
          const urlBegin = i;
          url = "";
          while (i < text.length && text[i] !== ")") {
            const code = text.charCodeAt(i + 1);
            if (text[i] === "\\" && code > 0 && code <= 126) {
              url += text[i + 1];
              i += 2;
              continue;
            }
            url += text[i];
            i++;
          }
          if (text[i] !== ")") throw cantParse(`Can't find end of a URL at byte offset ${byteOffset(text, urlBegin)}`);
        }
        if (entity.type === "CustomEmoji") {
          const m = /^tg:\/\/emoji\?id=(\d+)$/.exec(url);
          if (m?.[1] === undefined) throw cantParse("Custom emoji URL must have an emoji identifier");
          if (!skip) entities.push({ type: "custom_emoji", offset, length, custom_emoji_id: m[1] });
        } else {
          const link = skip ? undefined : linkEntity(url, offset, length);
          if (link !== undefined) entities.push(link);
        }
        break;
      }
    }
  }
  const unclosed = open.pop();
  if (unclosed !== undefined) throw cantParse(`Can't find end of ${unclosed.type} entity at byte offset ${unclosed.byte}`);
  closeQuote();
  return { text: result, entities: sortEntities(entities) };
}

/** The legacy `Markdown` mode: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting. */
export function parseMarkdownLegacy(text: string): FormattedText {
  let result = "";
  const entities: MessageEntity[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "\\" && "_*`[".includes(text[i + 1] ?? "")) {
      result += text[i + 1];
      i++;
      continue;
    }
    if (!"_*`[".includes(c)) {
      result += c;
      continue;
    }
    const begin = i;
    const offset = result.length;
    if (c === "`" && text.startsWith("```", i)) {
      const end = text.indexOf("```", i + 3);
      if (end < 0) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(text, begin)}`);
      let body = text.slice(i + 3, end);
      let language = "";
      const firstLine = /^([^\s`]+)\n/.exec(body);
      if (firstLine?.[1] !== undefined) {
        language = firstLine[1];
        body = body.slice(firstLine[0].length);
      }
      result += body;
      if (body.length > 0) {
        entities.push(language ? { type: "pre", offset, length: body.length, language } : { type: "pre", offset, length: body.length });
      }
      i = end + 2;
      continue;
    }
    if (c === "[") {
      const close = text.indexOf("]", i + 1);
      if (close < 0 || text[close + 1] !== "(") {
        throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(text, begin)}`);
      }
      const urlEnd = text.indexOf(")", close + 2);
      if (urlEnd < 0) throw cantParse(`Can't find end of a URL at byte offset ${byteOffset(text, close + 2)}`);
      const label = text.slice(i + 1, close);
      result += label;
      const link = label.length > 0 ? linkEntity(text.slice(close + 2, urlEnd), offset, label.length) : undefined;
      if (link !== undefined) entities.push(link);
      i = urlEnd;
      continue;
    }
    const end = text.indexOf(c, i + 1);
    if (end < 0) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(text, begin)}`);
    const body = text.slice(i + 1, end);
    result += body;
    if (body.length > 0) {
      const type = c === "*" ? "bold" : c === "_" ? "italic" : "code";
      entities.push({ type, offset, length: body.length });
    }
    i = end;
  }
  return { text: result, entities: sortEntities(entities) };
}

// Entities Telegram finds by itself in any message text (user's or bot's).
const AUTO_ENTITY_PATTERNS: { type: "bot_command" | "mention" | "hashtag" | "email" | "url"; re: RegExp }[] = [
  { type: "bot_command", re: /(?<![\w/@])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])/g },
  { type: "email", re: /(?<![\w.@])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w@])/g },
  { type: "mention", re: /(?<![\w@/])@[A-Za-z0-9_]{5,32}(?!\w)/g },
  { type: "hashtag", re: /(?<![\w#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu },
  { type: "url", re: /(?<![\w@/.])(?:https?:\/\/)?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?::\d{1,5})?(?:\/[^\s]*[^\s.,;:!?)\]}'"])?(?![\w@])/g },
];

const STYLE_ENTITIES = new Set(["bold", "italic", "underline", "strikethrough", "spoiler", "blockquote", "expandable_blockquote"]);

/** Adds the entities Telegram detects automatically, skipping places already covered by non-style entities. */
export function addAutoEntities(formatted: FormattedText): FormattedText {
  const entities = [...formatted.entities];
  const taken: [number, number][] = formatted.entities
    .filter((e) => !STYLE_ENTITIES.has(e.type))
    .map((e) => [e.offset, e.offset + e.length]);
  for (const { type, re } of AUTO_ENTITY_PATTERNS) {
    for (const m of formatted.text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (type === "url" && !/^https?:\/\//.test(m[0]) && !/\.[a-z]{2,}(?::\d+)?(?:\/|$)/i.test(m[0])) continue;
      if (taken.some(([s, e]) => start < e && s < end)) continue;
      taken.push([start, end]);
      entities.push({ type, offset: start, length: end - start });
    }
  }
  return { text: formatted.text, entities: sortEntities(entities) };
}

/** Telegram trims whitespace around message text; entities are shifted and clipped with it. */
export function trimFormatted(formatted: FormattedText): FormattedText {
  const leading = formatted.text.length - formatted.text.trimStart().length;
  const text = formatted.text.trim();
  const entities: MessageEntity[] = [];
  for (const e of formatted.entities) {
    const start = Math.max(0, e.offset - leading);
    const end = Math.min(text.length, e.offset + e.length - leading);
    if (end > start) entities.push({ ...e, offset: start, length: end - start });
  }
  return { text, entities };
}

export type ParseMode = "HTML" | "MarkdownV2" | "Markdown";

export function parseFormatted(text: string, parseMode: string | undefined, entities: unknown): FormattedText {
  let formatted: FormattedText;
  switch (parseMode) {
    case undefined:
    case "":
      formatted = { text, entities: Array.isArray(entities) ? sortEntities(entities.map(validateEntity)) : [] };
      break;
    case "HTML":
      formatted = parseHtml(text);
      break;
    case "MarkdownV2":
      formatted = parseMarkdownV2(text);
      break;
    case "Markdown":
      formatted = parseMarkdownLegacy(text);
      break;
    default:
      throw badRequest(`unsupported parse_mode`);
  }
  return addAutoEntities(trimFormatted(formatted));
}

function validateEntity(raw: unknown): MessageEntity {
  if (typeof raw !== "object" || raw === null) throw badRequest("can't parse MessageEntity");
  const e = raw as Record<string, unknown>;
  if (typeof e.type !== "string" || typeof e.offset !== "number" || typeof e.length !== "number") {
    throw badRequest("can't parse MessageEntity: field \"type\", \"offset\" or \"length\" is missing");
  }
  return raw as MessageEntity;
}
