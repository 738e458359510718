-- AlterEnum
ALTER TYPE "LetterStatus" ADD VALUE 'held';
