import { describe, expect, it } from "vitest";
import { facetValueKey, pageInfo, queryProblem } from "../../src/domain/search.js";
import { parseBirthYear, parseFacility, parseFullName } from "../../src/domain/specific-request.js";

describe("search queries", () => {
  it("refuses empty, overlong and letterless queries", () => {
    expect(queryProblem("   ")).toBe("empty");
    expect(queryProblem("a".repeat(101))).toBe("too-long");
    expect(queryProblem("a".repeat(100))).toBeNull();
    expect(queryProblem("!!! *** %%% <> & ` [] 😀")).toBe("no-letters");
    expect(queryProblem("<b>Иванова</b>")).toBeNull();
  });

  it("pages: at least one, and a page past the end shows the last one", () => {
    expect(pageInfo(0, 0, 5)).toEqual({ page: 0, pages: 1, offset: 0, clamped: false });
    expect(pageInfo(1, 7, 5)).toEqual({ page: 1, pages: 2, offset: 5, clamped: false });
    expect(pageInfo(9, 7, 5)).toEqual({ page: 1, pages: 2, offset: 5, clamped: true });
    expect(pageInfo(-3, 7, 5)).toMatchObject({ page: 0, clamped: true });
  });

  it("makes short callback keys for facet values", () => {
    expect(facetValueKey("anti-war")).toBe("anti-war");
    const region = facetValueKey("Республика Карелия");
    expect(region).toMatch(/^h[A-Za-z0-9_-]{11}$/);
    expect(facetValueKey("Республика Карелия")).toBe(region);
    expect(facetValueKey("Республика Коми")).not.toBe(region);
    expect(Buffer.byteLength(`s:f:rg:${facetValueKey("software developer and a very long profession name")}:999`)).toBeLessThanOrEqual(64);
  });
});

describe("the specific-person form", () => {
  const now = new Date("2026-11-27T12:00:00Z");
  it("checks the full name", () => {
    expect(parseFullName("  Шишкина   Мария Ивановна ")).toEqual({ ok: true, value: "Шишкина Мария Ивановна" });
    expect(parseFullName("Jean-Luc O’Neil")).toEqual({ ok: true, value: "Jean-Luc O’Neil" });
    expect(parseFullName("Шишкина")).toEqual({ ok: false, reason: "one-word" });
    expect(parseFullName("Robert'); DROP TABLE--")).toEqual({ ok: false, reason: "letters-only" });
    expect(parseFullName("<b>Иван</b> Петров")).toEqual({ ok: false, reason: "letters-only" });
    expect(parseFullName("\u200b ")).toEqual({ ok: false, reason: "empty" });
    expect(parseFullName(`${"Ы".repeat(100)} ${"Ы".repeat(60)}`)).toEqual({ ok: false, reason: "too-long" });
  });

  it("checks the birth year", () => {
    expect(parseBirthYear(" 1985 ", now)).toEqual({ ok: true, value: 1985 });
    expect(parseBirthYear("2012", now)).toEqual({ ok: true, value: 2012 });
    expect(parseBirthYear("2013", now)).toEqual({ ok: false, reason: "out-of-range" });
    expect(parseBirthYear("1899", now)).toEqual({ ok: false, reason: "out-of-range" });
    expect(parseBirthYear("85", now)).toEqual({ ok: false, reason: "not-a-year" });
    expect(parseBirthYear("1985-01-01", now)).toEqual({ ok: false, reason: "not-a-year" });
  });

  it("checks the facility", () => {
    expect(parseFacility("ИК-2, Мордовия")).toEqual({ ok: true, value: "ИК-2, Мордовия" });
    expect(parseFacility("x".repeat(301))).toEqual({ ok: false, reason: "too-long" });
  });
});
