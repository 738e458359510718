import { describe, expect, it } from "vitest";
import { loadDemoPrisoners } from "../../src/db/seed.js";
import {
  INTEREST_KEYS,
  MAX_CUSTOM_INTERESTS,
  customInterests,
  fixedInterests,
  parseCustomInterests,
  toggleInterest,
  withCustomInterests,
} from "../../src/domain/interests.js";

describe("interests", () => {
  it("the writer's keys are the ones prisoner records use, so shared interests can match", async () => {
    const prisoners = await loadDemoPrisoners();
    const used = new Set(prisoners.flatMap((p) => p.interests));
    expect([...used].filter((key) => !(INTEREST_KEYS as readonly string[]).includes(key))).toEqual([]);
    // Every fixed interest is offered by at least one demo person.
    expect(INTEREST_KEYS.filter((key) => !used.has(key))).toEqual([]);
  });

  it("toggles a key on and off, in canonical order, keeping own interests", () => {
    let stored: string[] = ["custom:джаз"];
    stored = toggleInterest(stored, "poetry");
    stored = toggleInterest(stored, "books");
    expect(stored).toEqual(["books", "poetry", "custom:джаз"]);
    stored = toggleInterest(stored, "poetry");
    expect(stored).toEqual(["books", "custom:джаз"]);
  });

  it("parses free text: known words become keys, the rest is cleaned, deduplicated and limited", () => {
    const parsed = parseCustomInterests("Шахматы,  вышивка\u0000крестиком ; Jazz\n\n, jazz, BOOKS, " + "x".repeat(41) + ", \u202eзеркало");
    expect(parsed.keys).toEqual(["games", "books"]);
    expect(parsed.custom).toEqual(["вышивка крестиком", "Jazz", "зеркало"]);
    expect(parsed.tooLong).toHaveLength(1);
    expect(parsed.truncated).toBe(false);

    const many = parseCustomInterests("a1, a2, a3, a4, a5, a6, a7");
    expect(many.custom).toHaveLength(MAX_CUSTOM_INTERESTS);
    expect(many.truncated).toBe(true);
    expect(parseCustomInterests(" , ;\n\u0000 ").custom).toEqual([]);
  });

  it("replaces own interests and merges recognised words into the fixed ones", () => {
    const stored = withCustomInterests(["music", "custom:старое"], parseCustomInterests("кино, керамика"));
    expect(stored).toEqual(["music", "cinema", "custom:керамика"]);
    expect(fixedInterests(stored)).toEqual(["music", "cinema"]);
    expect(customInterests(stored)).toEqual(["керамика"]);
  });
});
