-- AlterTable
ALTER TABLE "operators" ADD COLUMN     "language" "Language";
