-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "program" TEXT NOT NULL DEFAULT 'offers';

-- CreateTable
CREATE TABLE "ProgramConsent" (
    "id" TEXT NOT NULL,
    "channel" "Channel" NOT NULL,
    "address" TEXT NOT NULL,
    "program" TEXT NOT NULL,
    "status" "ConsentStatus" NOT NULL,
    "disclosureText" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "capturedWhere" TEXT,
    "capturedAt" TIMESTAMP(3) NOT NULL,
    "customerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProgramConsent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProgramConsent_program_status_idx" ON "ProgramConsent"("program", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ProgramConsent_channel_address_program_key" ON "ProgramConsent"("channel", "address", "program");

-- AddForeignKey
ALTER TABLE "ProgramConsent" ADD CONSTRAINT "ProgramConsent_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;
