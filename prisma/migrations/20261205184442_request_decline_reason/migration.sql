-- AlterTable
ALTER TABLE "specific_requests" ADD COLUMN     "decline_reason" TEXT;
