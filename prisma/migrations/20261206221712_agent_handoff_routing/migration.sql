-- CreateEnum
CREATE TYPE "OwnerState" AS ENUM ('bot', 'queued', 'offered', 'agent', 'closed');

-- CreateEnum
CREATE TYPE "AgentQueue" AS ENUM ('billing', 'technical', 'sales_retention', 'general');

-- CreateEnum
CREATE TYPE "PresenceStatus" AS ENUM ('available', 'away', 'offline');

-- CreateTable
CREATE TABLE "ConversationOwner" (
    "conversationId" TEXT NOT NULL,
    "channel" "Channel" NOT NULL,
    "customerId" TEXT,
    "state" "OwnerState" NOT NULL DEFAULT 'bot',
    "version" INTEGER NOT NULL DEFAULT 0,
    "ownerStaffId" TEXT,
    "queue" "AgentQueue",
    "priority" INTEGER NOT NULL DEFAULT 0,
    "queuedAt" TIMESTAMP(3),
    "offeredToStaffId" TEXT,
    "offerExpiresAt" TIMESTAMP(3),
    "passedBy" TEXT[],
    "handoffReason" TEXT,
    "handoffAt" TIMESTAMP(3),
    "packet" JSONB,
    "claimedAt" TIMESTAMP(3),
    "firstResponseAt" TIMESTAMP(3),
    "ownerReadAt" TIMESTAMP(3),
    "resume" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConversationOwner_pkey" PRIMARY KEY ("conversationId")
);

-- CreateTable
CREATE TABLE "OwnershipEvent" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "fromState" "OwnerState" NOT NULL,
    "toState" "OwnerState" NOT NULL,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "staffId" TEXT,
    "queue" "AgentQueue",
    "reason" TEXT NOT NULL,
    "note" TEXT,
    "relatedInteractionId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OwnershipEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentPresence" (
    "staffId" TEXT NOT NULL,
    "chosenStatus" "PresenceStatus" NOT NULL DEFAULT 'offline',
    "lastHeartbeatAt" TIMESTAMP(3),
    "skills" "AgentQueue"[],
    "capacitySms" INTEGER,
    "capacityWebchat" INTEGER,
    "capacityVoice" INTEGER,
    "missedOffers" INTEGER NOT NULL DEFAULT 0,
    "lastOfferedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AgentPresence_pkey" PRIMARY KEY ("staffId")
);

-- CreateTable
CREATE TABLE "ConversationNote" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "staffId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConversationNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentReply" (
    "interactionId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "staffId" TEXT NOT NULL,
    "clientMessageId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgentReply_pkey" PRIMARY KEY ("interactionId")
);

-- CreateTable
CREATE TABLE "CsatResponse" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "handbackVersion" INTEGER NOT NULL,
    "customerId" TEXT,
    "staffId" TEXT,
    "score" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CsatResponse_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ConversationOwner_state_queue_queuedAt_idx" ON "ConversationOwner"("state", "queue", "queuedAt");

-- CreateIndex
CREATE INDEX "ConversationOwner_ownerStaffId_state_idx" ON "ConversationOwner"("ownerStaffId", "state");

-- CreateIndex
CREATE INDEX "ConversationOwner_offeredToStaffId_state_idx" ON "ConversationOwner"("offeredToStaffId", "state");

-- CreateIndex
CREATE INDEX "OwnershipEvent_at_idx" ON "OwnershipEvent"("at");

-- CreateIndex
CREATE UNIQUE INDEX "OwnershipEvent_conversationId_version_key" ON "OwnershipEvent"("conversationId", "version");

-- CreateIndex
CREATE INDEX "ConversationNote_conversationId_createdAt_idx" ON "ConversationNote"("conversationId", "createdAt");

-- CreateIndex
CREATE INDEX "AgentReply_conversationId_idx" ON "AgentReply"("conversationId");

-- CreateIndex
CREATE UNIQUE INDEX "AgentReply_staffId_clientMessageId_key" ON "AgentReply"("staffId", "clientMessageId");

-- CreateIndex
CREATE INDEX "CsatResponse_at_idx" ON "CsatResponse"("at");

-- CreateIndex
CREATE UNIQUE INDEX "CsatResponse_conversationId_handbackVersion_key" ON "CsatResponse"("conversationId", "handbackVersion");
