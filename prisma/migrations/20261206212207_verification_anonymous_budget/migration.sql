-- DropIndex
DROP INDEX "VerificationChallenge_address_createdAt_idx";

-- AlterTable
ALTER TABLE "VerificationChallenge" ADD COLUMN     "anonymous" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "VerificationChallenge_address_anonymous_createdAt_idx" ON "VerificationChallenge"("address", "anonymous", "createdAt");
