// Prisma 7 reads the connection URL from here (never from schema.prisma) and loads no .env file by itself.
import { defineConfig } from "prisma/config";

export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/lifeline";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
    seed: "tsx src/cli/index.ts seed",
  },
  datasource: {
    url: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  },
});
