-- AlterTable
ALTER TABLE "Interaction" ADD COLUMN     "sendStartedAt" TIMESTAMP(3);
