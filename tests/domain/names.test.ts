import { describe, expect, it } from "vitest";
import { normalizeName, searchNameFor, transliterate } from "../../src/domain/names.js";

describe("transliterate", () => {
  it("turns Cyrillic into lower-case Latin", () => {
    expect(transliterate("Щукина Юлия Ёлкина")).toBe("shchukina yuliya elkina");
    expect(transliterate("Éva Müller")).toBe("eva muller");
  });
});

describe("normalizeName", () => {
  it.each([
    ["Иванова", "Ivanova"],
    ["Заозёрская Ксения", "Zaozyorskaia Kseniya"],
    ["Дмитрий Сергеевич", "Dmitriy Sergeyevich"],
    ["Дмитрий", "Dmitrii"],
    ["Евгения", "Yevgenia"],
    ["Михаил", "Mikhail"],
    ["Алексей", "Alexei"],
    ["Фёдор", "Fyodor"],
    ["Юлия", "Julia"],
    ["Светлорецкий", "Svetloretsky"],
  ])("%s and %s meet in one spelling", (cyrillic, latin) => {
    expect(normalizeName(cyrillic)).toBe(normalizeName(latin));
  });

  it("keeps only letters and digits as single-spaced words", () => {
    expect(normalizeName("  Бобров-Задунайский,  O'Brien!! ")).toBe("bobrov zadunaysky o brien");
    expect(normalizeName("%_'; DROP TABLE")).toBe("drop table");
    expect(normalizeName("*** ")).toBe("");
  });
});

describe("searchNameFor", () => {
  it("holds both spellings of the full name, each word once", () => {
    expect(
      searchNameFor({
        lastName: "Брусникина", firstName: "Евгения", patronymic: "Олеговна",
        lastNameLatin: "Brusnikina", firstNameLatin: "Eugenia", patronymicLatin: "Olegovna",
      }),
    ).toBe("brusnikina evgenya olegovna eugenya");
    expect(
      searchNameFor({ lastName: "Ли", firstName: "Анна", patronymic: null, lastNameLatin: "Li", firstNameLatin: "Anna" }),
    ).toBe("li anna");
  });
});
