-- AlterTable
ALTER TABLE "Interaction" ADD COLUMN     "validUntil" TIMESTAMP(3);
