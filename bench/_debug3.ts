import { createPrisma } from "../src/db/client.js";
import { applyMigrations, dropDatabase } from "../src/db/migrate.js";
const url = "postgresql://postgres@127.0.0.1:5432/lifeline_dbg_assign3";
await dropDatabase(url).catch(() => undefined);
await applyMigrations(url);
const prisma = createPrisma(url, { max: 10 });
const mk = (n: number) => Array.from({ length: n }, (_, i) => ({
  externalId: `p-${i}`, lastName: "x", firstName: "y", lastNameLatin: "x", firstNameLatin: "y", searchName: "x y",
  birthDate: new Date("1980-01-01"), region: "r", facilityName: "f", canReceiveLetters: i % 3 !== 0, caseSummaryRu: "c", caseSummaryEn: "c",
  lettersCount: Math.floor(Math.random() * Math.random() * 40), interests: ["books", "music", "sport"].slice(i % 3) }));
await prisma.prisoner.createMany({ data: mk(1500) });
await prisma.writer.createMany({ data: Array.from({ length: 20000 }, (_, i) => ({ telegramId: BigInt(i + 1), language: "ru" as const })) });
await prisma.$executeRawUnsafe(`INSERT INTO assignments (writer_id, prisoner_id, status, expires_at, created_at, updated_at, ended_at)
  SELECT w, 1 + (w % 1500), (CASE WHEN w % 3 = 0 THEN 'active' ELSE 'lapsed' END)::"AssignmentStatus", now() + interval '1 day' - (w % 5) * interval '1 day', now(), now(), NULL FROM generate_series(1, 20000) w`);
await prisma.$executeRawUnsafe(`ANALYZE`);
await prisma.$disconnect();
