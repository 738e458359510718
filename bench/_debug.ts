import { createPrisma } from "../src/db/client.js";
import { assignPrisoner } from "../src/db/repositories/assignments.js";
import { applyMigrations, dropDatabase } from "../src/db/migrate.js";
const url = "postgresql://postgres@127.0.0.1:5432/lifeline_dbg_assign";
await dropDatabase(url).catch(() => undefined);
await applyMigrations(url);
const prisma = createPrisma(url, { max: 10 });
const mk = (n: number, letters: number, tag: string) => Array.from({ length: n }, (_, i) => ({
  externalId: `${tag}-${i}`, lastName: "x", firstName: "y", lastNameLatin: "x", firstNameLatin: "y", searchName: "x y",
  birthDate: new Date("1980-01-01"), region: "r", facilityName: "f", canReceiveLetters: true, caseSummaryRu: "c", caseSummaryEn: "c", lettersCount: letters }));
await prisma.prisoner.createMany({ data: [...mk(20, 0, "z"), ...mk(20, 1, "o"), ...mk(20, 10, "t")] });
const ws = await prisma.writer.createManyAndReturn({ data: Array.from({ length: 50 }, (_, i) => ({ telegramId: BigInt(i + 1), language: "ru" as const })) });
let t = performance.now();
const r = await Promise.all(ws.map((w) => assignPrisoner(prisma, { writerId: w.id })));
console.log("50 concurrent ms", performance.now() - t);
const counts = new Map<number, number>();
for (const x of r) counts.set(x!.prisonerId, (counts.get(x!.prisonerId) ?? 0) + 1);
console.log([...counts.entries()].filter(([, n]) => n > 1));




await prisma.$disconnect();
await dropDatabase(url);
