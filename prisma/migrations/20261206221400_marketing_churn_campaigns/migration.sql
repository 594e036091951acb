-- CreateEnum
CREATE TYPE "ChurnBand" AS ENUM ('low', 'medium', 'high');

-- CreateEnum
CREATE TYPE "CampaignStatus" AS ENUM ('draft', 'scheduled', 'running', 'paused', 'cancelled', 'completed');

-- CreateEnum
CREATE TYPE "CampaignRecipientStatus" AS ENUM ('pending', 'sent', 'held', 'holdout', 'cancelled');

-- CreateTable
CREATE TABLE "ChurnScore" (
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "probability" DOUBLE PRECISION NOT NULL,
    "band" "ChurnBand" NOT NULL,
    "reasons" JSONB NOT NULL,
    "features" JSONB NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChurnScore_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "CampaignStatus" NOT NULL DEFAULT 'draft',
    "subject" TEXT NOT NULL,
    "segment" JSONB NOT NULL,
    "variants" JSONB NOT NULL,
    "offerCode" TEXT,
    "holdoutPercent" INTEGER NOT NULL DEFAULT 10,
    "seed" TEXT NOT NULL,
    "senderAddress" TEXT NOT NULL,
    "scheduledAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "pausedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "dispatchRound" INTEGER NOT NULL DEFAULT 0,
    "audienceSize" INTEGER NOT NULL DEFAULT 0,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignRecipient" (
    "id" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "status" "CampaignRecipientStatus" NOT NULL DEFAULT 'pending',
    "heldReason" TEXT,
    "interactionId" TEXT,
    "sentAt" TIMESTAMP(3),
    "repliedAt" TIMESTAMP(3),
    "convertedAt" TIMESTAMP(3),
    "orderId" TEXT,
    "optedOutAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CampaignRecipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignDecision" (
    "id" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "recipientId" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "checks" JSONB NOT NULL,
    "timeZones" TEXT[],
    "decidedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CampaignDecision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChurnScore_customerId_computedAt_idx" ON "ChurnScore"("customerId", "computedAt");

-- CreateIndex
CREATE INDEX "ChurnScore_band_computedAt_idx" ON "ChurnScore"("band", "computedAt");

-- CreateIndex
CREATE INDEX "Campaign_status_idx" ON "Campaign"("status");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignRecipient_interactionId_key" ON "CampaignRecipient"("interactionId");

-- CreateIndex
CREATE INDEX "CampaignRecipient_campaignId_status_customerId_idx" ON "CampaignRecipient"("campaignId", "status", "customerId");

-- CreateIndex
CREATE INDEX "CampaignRecipient_customerId_sentAt_idx" ON "CampaignRecipient"("customerId", "sentAt");

-- CreateIndex
CREATE INDEX "CampaignRecipient_address_sentAt_idx" ON "CampaignRecipient"("address", "sentAt");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignRecipient_campaignId_customerId_key" ON "CampaignRecipient"("campaignId", "customerId");

-- CreateIndex
CREATE INDEX "CampaignDecision_campaignId_decidedAt_idx" ON "CampaignDecision"("campaignId", "decidedAt");

-- CreateIndex
CREATE INDEX "CampaignDecision_recipientId_idx" ON "CampaignDecision"("recipientId");

-- AddForeignKey
ALTER TABLE "CampaignRecipient" ADD CONSTRAINT "CampaignRecipient_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;
