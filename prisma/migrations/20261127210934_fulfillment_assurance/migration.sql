-- CreateEnum
CREATE TYPE "TimelineSubject" AS ENUM ('productOrder', 'troubleTicket', 'billAdjustment', 'outage');

-- AlterTable
ALTER TABLE "BillAdjustment" ADD COLUMN     "troubleTicketId" TEXT;

-- AlterTable
ALTER TABLE "BillCharge" ADD COLUMN     "idempotencyKey" TEXT;

-- AlterTable
ALTER TABLE "ProductOrder" ADD COLUMN     "stateReason" TEXT;

-- AlterTable
ALTER TABLE "ProductOrderItem" ADD COLUMN     "stateReason" TEXT;

-- AlterTable
ALTER TABLE "TroubleTicket" ADD COLUMN     "assigneeId" TEXT,
ADD COLUMN     "confirmationDueAt" TIMESTAMP(3),
ADD COLUMN     "confirmationRequestedAt" TIMESTAMP(3),
ADD COLUMN     "diagnosedAt" TIMESTAMP(3),
ADD COLUMN     "diagnosticResult" JSONB,
ADD COLUMN     "escalationLevel" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "relatedOrderId" TEXT,
ADD COLUMN     "reopenCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "slaBreachedAt" TIMESTAMP(3),
ADD COLUMN     "slaCheckedAt" TIMESTAMP(3),
ADD COLUMN     "slaDueAt" TIMESTAMP(3),
ADD COLUMN     "slaStartedAt" TIMESTAMP(3),
ADD COLUMN     "slaWarnedAt" TIMESTAMP(3),
ADD COLUMN     "workQueue" TEXT;

-- CreateTable
CREATE TABLE "TimelineEvent" (
    "id" TEXT NOT NULL,
    "subjectType" "TimelineSubject" NOT NULL,
    "subjectId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "outcome" TEXT,
    "attempt" INTEGER,
    "error" TEXT,
    "detail" TEXT,
    "data" JSONB,
    "stepKey" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TimelineEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TimelineEvent_stepKey_key" ON "TimelineEvent"("stepKey");

-- CreateIndex
CREATE INDEX "TimelineEvent_subjectType_subjectId_at_idx" ON "TimelineEvent"("subjectType", "subjectId", "at");

-- CreateIndex
CREATE INDEX "BillAdjustment_status_appliedAt_idx" ON "BillAdjustment"("status", "appliedAt");

-- CreateIndex
CREATE UNIQUE INDEX "BillCharge_idempotencyKey_key" ON "BillCharge"("idempotencyKey");

-- CreateIndex
CREATE INDEX "TroubleTicket_status_diagnosedAt_idx" ON "TroubleTicket"("status", "diagnosedAt");

-- AddForeignKey
ALTER TABLE "TroubleTicket" ADD CONSTRAINT "TroubleTicket_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "StaffUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TroubleTicket" ADD CONSTRAINT "TroubleTicket_relatedOrderId_fkey" FOREIGN KEY ("relatedOrderId") REFERENCES "ProductOrder"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BillAdjustment" ADD CONSTRAINT "BillAdjustment_troubleTicketId_fkey" FOREIGN KEY ("troubleTicketId") REFERENCES "TroubleTicket"("id") ON DELETE SET NULL ON UPDATE CASCADE;
