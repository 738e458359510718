import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FluentBundle, FluentResource } from "@fluent/bundle";
import { describe, expect, it } from "vitest";
import { createI18n, LOCALES, LOCALES_DIR } from "../src/messages/i18n.js";

function load(locale: string) {
  const source = readFileSync(join(LOCALES_DIR, `${locale}.ftl`), "utf8");
  return { source, resource: new FluentResource(source) };
}

type Entry = FluentResource["body"][number];

/**
 * Names of `{ $var }` placeables anywhere in a message (value, attributes, selectors), including
 * those of messages it references: `{ letters-status-name }` takes the caller's $status.
 */
function placeables(node: unknown, entries: Map<string, Entry>, found = new Set<string>(), seen = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) placeables(item, entries, found, seen);
  else if (node && typeof node === "object") {
    const record = node as Record<string, unknown>;
    if (record.type === "var" && typeof record.name === "string") found.add(record.name);
    if (record.type === "mesg" && typeof record.name === "string" && !seen.has(record.name)) {
      seen.add(record.name);
      placeables(entries.get(record.name), entries, found, seen);
    }
    for (const value of Object.values(record)) placeables(value, entries, found, seen);
  }
  return found;
}

function entriesOf(resource: FluentResource): Map<string, Entry> {
  return new Map(resource.body.map((entry) => [entry.id, entry]));
}

function messages(locale: string): Map<string, string[]> {
  const { resource } = load(locale);
  const entries = entriesOf(resource);
  return new Map(resource.body.map((entry) => [entry.id, [...placeables(entry, entries)].sort()]));
}

describe("locales", () => {
  it("ru and en have exactly the same keys", () => {
    const en = [...messages("en").keys()].sort();
    const ru = [...messages("ru").keys()].sort();
    expect(en.length).toBeGreaterThan(10);
    expect(ru.filter((key) => !en.includes(key))).toEqual([]);
    expect(en.filter((key) => !ru.includes(key))).toEqual([]);
  });

  it("every key has the same placeables in both languages", () => {
    const en = messages("en");
    const ru = messages("ru");
    const mismatches = [...en].filter(([key, vars]) => JSON.stringify(ru.get(key)) !== JSON.stringify(vars));
    expect(mismatches.map(([key]) => key)).toEqual([]);
  });

  it.each(LOCALES)("%s.ftl parses without junk, duplicates or formatting errors", (locale) => {
    const { source, resource } = load(locale);
    // The runtime parser silently skips junk: every line that starts an entry must yield one.
    const declared = source
      .split("\n")
      .filter((line) => /^-?[a-zA-Z]/.test(line))
      .map((line) => /^(-?[a-zA-Z][a-zA-Z0-9_-]*)\s*=/.exec(line)?.[1] ?? `unparseable line: ${line}`);
    const parsed = resource.body.map((entry) => entry.id);
    expect(declared.filter((id) => !parsed.includes(id))).toEqual([]);
    expect(new Set(declared).size).toBe(declared.length);

    const bundle = new FluentBundle(locale, { useIsolating: false });
    expect(bundle.addResource(resource)).toEqual([]);
    for (const entry of resource.body) {
      if (entry.id.startsWith("-")) continue;
      const message = bundle.getMessage(entry.id);
      expect(message?.value, entry.id).toBeTruthy();
      const args = Object.fromEntries([...placeables(entry, entriesOf(resource))].map((name) => [name, 1]));
      const errors: Error[] = [];
      const text = bundle.formatPattern(message!.value!, args, errors);
      expect(errors.map(String), entry.id).toEqual([]);
      expect(text.trim().length, entry.id).toBeGreaterThan(0);
    }
  });

  it("the bot's i18n answers in each language without invisible isolation marks", () => {
    const i18n = createI18n();
    expect(i18n.t("ru", "cancel-nothing")).toBe("Сейчас нечего отменять.");
    expect(i18n.t("en", "cancel-nothing")).toBe("There is nothing to cancel right now.");
    expect(i18n.t("ru-RU", "menu-back")).toBe("‹ Назад");
    // Any key with a placeable shows whether values get U+2068/U+2069 around them.
    const withVars = [...messages("en")].find(([, vars]) => vars.length > 0);
    if (withVars) {
      const [key, vars] = withVars;
      const args = Object.fromEntries(vars.map((name) => [name, "X1"]));
      for (const locale of LOCALES) expect(i18n.t(locale, key, args)).not.toMatch(/[\u2068\u2069]/);
    }
  });
});
