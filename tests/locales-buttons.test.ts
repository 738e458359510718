// Inline buttons must read at a glance on a phone: every label the code puts on a button stays
// within 35 characters in both languages, in every variant of its selectors.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { FluentResource } from "@fluent/bundle";
import { describe, expect, it } from "vitest";
import { createI18n, LOCALES, LOCALES_DIR } from "../src/messages/i18n.js";

const MAX_LABEL = 35;
const SRC = join(LOCALES_DIR, "..", "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "generated" || name === "playground" ? [] : sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** The first argument of each `.text(` call: the button's label (the second is its data). */
function textCallLabels(source: string): string[] {
  const labels: string[] = [];
  for (const match of source.matchAll(/\.text\(/g)) {
    let depth = 0;
    let i = match.index + match[0].length;
    const start = i;
    for (; i < source.length; i++) {
      const ch = source[i];
      if (ch === "(" || ch === "{" || ch === "[") depth++;
      else if (ch === ")" || ch === "}" || ch === "]") {
        if (depth === 0) break;
        depth--;
      } else if (ch === "," && depth === 0) break;
    }
    labels.push(source.slice(start, i));
  }
  return labels;
}

/** Locale keys used as inline button labels anywhere in src/. */
function buttonKeys(): Set<string> {
  const keys = new Set<string>();
  const key = /["`]([a-z][a-z0-9]*(?:-[a-z0-9]+)+)["`]/g;
  for (const file of sourceFiles(SRC)) {
    const source = readFileSync(file, "utf8");
    for (const label of textCallLabels(source)) {
      for (const m of label.matchAll(key)) keys.add(m[1]!);
      // Labels built from a prefix (interest-books, ...).
      for (const m of label.matchAll(/t\(`([a-z-]+)-\$\{[^}]+\}(-[a-z-]+)?`/g)) keys.add(`${m[1]}-*${m[2] ?? ""}`);
    }
    // Menu entries and the buttons of queued notices name their label keys.
    for (const m of source.matchAll(/(?:labelKey: |\{ key: )"([a-z0-9-]+)"/g)) keys.add(m[1]!);
  }
  return keys;
}

type Node = Record<string, unknown>;

/** Every combination of select variants of a message, as the args that pick them. */
function variantArgs(node: unknown, found: Record<string, Set<string | number>> = {}): Record<string, Set<string | number>> {
  if (Array.isArray(node)) for (const item of node) variantArgs(item, found);
  else if (node && typeof node === "object") {
    const record = node as Node;
    if (record.type === "select") {
      const selector = record.selector as Node;
      const name = selector.type === "var" ? (selector.name as string) : undefined;
      if (name) {
        const values = (found[name] ??= new Set());
        for (const variant of record.variants as Node[]) {
          const key = variant.key as Node;
          // A plural category is reached with numbers, not with its name.
          if (key.type === "num") values.add(Number(key.value));
          else if (["zero", "one", "two", "few", "many", "other"].includes(key.value as string)) for (const n of [1, 2, 5, 123]) values.add(n);
          else values.add(key.value as string);
        }
      }
    }
    for (const value of Object.values(record)) variantArgs(value, found);
  }
  return found;
}

/** A realistic long value for a placeable: a prisoner's short name, a guide title, a 3-digit number. */
function sampleValues(name: string, locale: string, i18n: ReturnType<typeof createI18n>): (string | number)[] {
  if (name === "name") return [locale === "ru" ? "Ольга Лавандина" : "Olga Lavandina"];
  if (name === "title") {
    const resource = new FluentResource(readFileSync(join(LOCALES_DIR, `${locale}.ftl`), "utf8"));
    return resource.body.filter((e) => /^guide-.*-title$/.test(e.id)).map((e) => i18n.t(locale, e.id));
  }
  if (name === "date") return ["05.12.2026"];
  if (name === "code") return ["L-7K3Q"];
  return [123];
}

describe("inline button labels", () => {
  const keys = buttonKeys();

  it("are found in the code (menu, letter flow, moderation, notices)", () => {
    for (const key of ["menu-write", "letter-cancel", "letter-leave", "rules-accept", "rules-more-button", "mod-button-approve", "menu-my-letters", "letters-button-resubmit"]) {
      expect([...keys], key).toContain(key);
    }
  });

  it.each(LOCALES)(`%s: every label is at most ${MAX_LABEL} characters`, (locale) => {
    const i18n = createI18n();
    const resource = new FluentResource(readFileSync(join(LOCALES_DIR, `${locale}.ftl`), "utf8"));
    const entries = new Map(resource.body.map((e) => [e.id, e]));
    const tooLong: string[] = [];
    let rendered = 0;
    for (const key of keys) {
      const [prefix, suffix] = key.split("*") as [string, string | undefined];
      const ids = suffix === undefined ? [key] : [...entries.keys()].filter((id) => id.startsWith(prefix) && id.endsWith(suffix) && id.length > prefix.length + suffix.length);
      for (const id of ids) {
        const entry = entries.get(id);
        expect(entry, `${id} is used as a button label but is not in ${locale}.ftl`).toBeDefined();
        // Arguments: each selector variant in turn, placeables with realistic values.
        const selects = variantArgs(entry);
        const names = new Set<string>();
        JSON.stringify(entry, (k, v: unknown) => {
          if (v && typeof v === "object" && (v as Node).type === "var") names.add((v as Node).name as string);
          return v;
        });
        const combos: Record<string, string | number>[] = [{}];
        for (const name of names) {
          const values = selects[name] ? [...selects[name]] : sampleValues(name, locale, i18n);
          const next = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
          combos.splice(0, combos.length, ...next);
        }
        for (const args of combos) {
          const label = i18n.t(locale, id, args);
          rendered++;
          if ([...label].length > MAX_LABEL) tooLong.push(`${id} (${[...label].length}): ${label}`);
        }
      }
    }
    expect(tooLong).toEqual([]);
    expect(rendered).toBeGreaterThan(50);
  });
});
