// The remembered bundle matching (src/messages/i18n.ts): answers stay right per locale, and the
// library still has the method it wraps (an upgrade that renames it must not go unnoticed).
import { describe, expect, it } from "vitest";
import { createI18n } from "../../src/messages/i18n.js";

describe("createI18n", () => {
  it("answers each locale in its own language, however the calls interleave", () => {
    const i18n = createI18n();
    const ru = i18n.t("ru", "menu-back");
    const en = i18n.t("en", "menu-back");
    expect(ru).not.toBe(en);
    for (let i = 0; i < 3; i++) {
      expect(i18n.t("en", "menu-back")).toBe(en);
      expect(i18n.t("ru", "menu-back")).toBe(ru);
    }
    // A regional tag still reaches its language; an unknown one falls back to English.
    expect(i18n.t("ru-RU", "menu-back")).toBe(ru);
    expect(i18n.t("de", "menu-back")).toBe(en);
  });

  it("negotiates each locale once, not on every translation", () => {
    const i18n = createI18n();
    const fluent = i18n.fluent as unknown as { matchBundles: (locales: string[]) => Set<unknown> };
    expect(typeof fluent.matchBundles).toBe("function");
    const first = fluent.matchBundles(["ru"]);
    expect(first.size).toBeGreaterThan(0);
    expect(fluent.matchBundles(["ru"])).toBe(first);
    expect(fluent.matchBundles(["en"])).not.toBe(first);
  });
});
