import { describe, expect, it } from "vitest";
import { alarmingCharges, articleNumber, hasAlarmingCharges } from "../../src/domain/charges.js";
import { RULES_VERSION, rulesAcceptanceNeeded } from "../../src/domain/rules.js";

describe("alarming charges", () => {
  it.each([
    ["ч. 2 ст. 205.2 УК РФ", "205.2"],
    ["п. «д» ч. 2 ст. 207.3 УК РФ", "207.3"],
    ["ст. 275 УК РФ", "275"],
    ["Art. 282.2 of the Criminal Code", "282.2"],
    ["статья 280", "280"],
    ["без статьи", undefined],
  ])("%s → article %s", (article, number) => {
    expect(articleNumber(article)).toBe(number);
  });

  it("flags terrorism and extremism articles only", () => {
    expect(alarmingCharges(["ч. 2 ст. 205.2 УК РФ"])).toEqual(["terrorism"]);
    expect(alarmingCharges(["ч. 1 ст. 282.2 УК РФ", "ч. 1 ст. 282.3 УК РФ"])).toEqual(["extremism"]);
    expect(alarmingCharges(["ч. 1 ст. 205.5 УК РФ", "ч. 2 ст. 280 УК РФ"])).toEqual(["terrorism", "extremism"]);
    // "Fakes", "discrediting", treason, drugs: other wording, no terrorism explanation.
    for (const article of ["ч. 2 ст. 207.3 УК РФ", "ч. 1 ст. 280.3 УК РФ", "ст. 275 УК РФ", "ч. 2 ст. 228 УК РФ", "ч. 1 ст. 284.1 УК РФ"]) {
      expect(hasAlarmingCharges([article]), article).toBe(false);
    }
  });
});

describe("rules version", () => {
  it("asks when never accepted or accepted an older version", () => {
    expect(rulesAcceptanceNeeded(null)).toBe(true);
    expect(rulesAcceptanceNeeded(undefined)).toBe(true);
    expect(rulesAcceptanceNeeded(RULES_VERSION - 1)).toBe(true);
    expect(rulesAcceptanceNeeded(RULES_VERSION)).toBe(false);
    expect(rulesAcceptanceNeeded(RULES_VERSION, RULES_VERSION + 1)).toBe(true);
  });
});
