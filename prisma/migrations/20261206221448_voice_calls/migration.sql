-- CreateTable
CREATE TABLE "VoiceCall" (
    "callSid" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "fromNumber" TEXT NOT NULL,
    "toNumber" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "statusRank" INTEGER NOT NULL,
    "mode" TEXT NOT NULL,
    "missCount" INTEGER NOT NULL DEFAULT 0,
    "pendingQuestion" TEXT,
    "handoffReason" TEXT,
    "handoffRequestedAt" TIMESTAMP(3),
    "handoffPacket" JSONB,
    "afterHoursChoice" TEXT,
    "smsFollowUp" BOOLEAN NOT NULL DEFAULT false,
    "followUpSentAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "durationSeconds" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VoiceCall_pkey" PRIMARY KEY ("callSid")
);

-- CreateTable
CREATE TABLE "VoiceInterruption" (
    "interactionId" TEXT NOT NULL,
    "callSid" TEXT NOT NULL,
    "heardText" TEXT NOT NULL,
    "heardMs" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VoiceInterruption_pkey" PRIMARY KEY ("interactionId")
);

-- CreateIndex
CREATE UNIQUE INDEX "VoiceCall_conversationId_key" ON "VoiceCall"("conversationId");

-- CreateIndex
CREATE INDEX "VoiceCall_fromNumber_createdAt_idx" ON "VoiceCall"("fromNumber", "createdAt");

-- CreateIndex
CREATE INDEX "VoiceInterruption_callSid_idx" ON "VoiceInterruption"("callSid");
