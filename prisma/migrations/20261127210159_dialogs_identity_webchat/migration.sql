-- CreateEnum
CREATE TYPE "VerificationStatus" AS ENUM ('pending', 'verified', 'failed', 'expired');

-- AlterTable
ALTER TABLE "BillAdjustment" ADD COLUMN     "channel" "Channel",
ADD COLUMN     "decisionReason" TEXT;

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "preferredChannel" "Channel" NOT NULL DEFAULT 'sms';

-- AlterTable
ALTER TABLE "Interaction" ADD COLUMN     "suggestedActions" TEXT[];

-- AlterTable
ALTER TABLE "ProductOffering" ADD COLUMN     "availableAreas" TEXT[],
ADD COLUMN     "incompatibleWith" TEXT[];

-- AlterTable
ALTER TABLE "ProductOrder" ADD COLUMN     "category" TEXT NOT NULL DEFAULT 'new',
ADD COLUMN     "description" TEXT;

-- CreateTable
CREATE TABLE "ChurnSignal" (
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "productId" TEXT,
    "channel" "Channel" NOT NULL,
    "reason" TEXT,
    "source" TEXT NOT NULL,
    "retentionOfferCode" TEXT,
    "outcome" TEXT NOT NULL,
    "orderId" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChurnSignal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VerificationChallenge" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "customerId" TEXT,
    "address" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL,
    "status" "VerificationStatus" NOT NULL DEFAULT 'pending',
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "verifiedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VerificationChallenge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ChurnSignal_idempotencyKey_key" ON "ChurnSignal"("idempotencyKey");

-- CreateIndex
CREATE INDEX "ChurnSignal_customerId_createdAt_idx" ON "ChurnSignal"("customerId", "createdAt");

-- CreateIndex
CREATE INDEX "VerificationChallenge_conversationId_createdAt_idx" ON "VerificationChallenge"("conversationId", "createdAt");

-- CreateIndex
CREATE INDEX "VerificationChallenge_address_createdAt_idx" ON "VerificationChallenge"("address", "createdAt");

-- AddForeignKey
ALTER TABLE "ChurnSignal" ADD CONSTRAINT "ChurnSignal_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VerificationChallenge" ADD CONSTRAINT "VerificationChallenge_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
