import { describe, expect, it } from "vitest";
import { letterDay, recipientAddressLines } from "../../src/media/recipient.js";

describe("recipientAddressLines", () => {
  const facility = "ФКУ ИК-79 УФСИН России по Пермскому краю";
  const street = "618740, Пермский край, г. Добрянка, ул. Советская, д. 14";

  it("keeps the facility when the address does not name it", () => {
    expect(recipientAddressLines(facility, street)).toEqual([facility, street]);
  });

  it("drops the facility when the address already ends with it, whatever the case, spaces, quotes or punctuation", () => {
    for (const tail of [facility, "ФКУ ИК-79 УФСИН РОССИИ ПО ПЕРМСКОМУ КРАЮ", "«ФКУ  ИК–79» УФСИН России по Пермскому краю.", "фку \"ик 79\" уфсин россии по пермскому краю"]) {
      const address = `${street}, ${tail}`;
      expect(recipientAddressLines(facility, address)).toEqual([address]);
    }
  });

  it("treats ё and е as the same letter", () => {
    const address = `${street}, ФКУ СИЗО-1 «Пётровка»`;
    expect(recipientAddressLines("ФКУ СИЗО-1 «Петровка»", address)).toEqual([address]);
  });

  it("prints the address once when it is the facility itself (a specific request)", () => {
    expect(recipientAddressLines("СИЗО-1, Москва", "СИЗО-1, Москва")).toEqual(["СИЗО-1, Москва"]);
  });

  it("compares whole words: ИК-7 is not ИК-79", () => {
    const address = `${street}, ФКУ ИК-79`;
    expect(recipientAddressLines("ФКУ ИК-7", address)).toEqual(["ФКУ ИК-7", address]);
  });

  it("copes with an empty facility or address", () => {
    expect(recipientAddressLines("", street)).toEqual([street]);
    expect(recipientAddressLines(facility, "")).toEqual([facility]);
    expect(recipientAddressLines("", "")).toEqual([]);
  });
});

describe("letterDay", () => {
  it("is Moscow's calendar day, at noon UTC", () => {
    expect(letterDay(new Date("2026-12-05T20:59:00Z")).toISOString()).toBe("2026-12-05T12:00:00.000Z");
    expect(letterDay(new Date("2026-12-05T21:00:00Z")).toISOString()).toBe("2026-12-06T12:00:00.000Z");
    expect(letterDay(new Date("2026-12-31T23:00:00Z")).toISOString()).toBe("2027-01-01T12:00:00.000Z");
  });
});
