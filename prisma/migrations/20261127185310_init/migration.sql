-- CreateEnum
CREATE TYPE "Channel" AS ENUM ('sms', 'webchat', 'voice');

-- CreateEnum
CREATE TYPE "ServiceType" AS ENUM ('internet', 'mobile', 'tv', 'landline');

-- CreateEnum
CREATE TYPE "CustomerStatus" AS ENUM ('prospective', 'active', 'suspended', 'inactive');

-- CreateEnum
CREATE TYPE "ContactMediumType" AS ENUM ('phone', 'email', 'postalAddress');

-- CreateEnum
CREATE TYPE "AccountStatus" AS ENUM ('active', 'suspended', 'closed');

-- CreateEnum
CREATE TYPE "LifecycleStatus" AS ENUM ('inDesign', 'active', 'retired');

-- CreateEnum
CREATE TYPE "ProductStatus" AS ENUM ('created', 'pendingActive', 'active', 'suspended', 'pendingTerminate', 'terminated');

-- CreateEnum
CREATE TYPE "ConversationStatus" AS ENUM ('open', 'closed');

-- CreateEnum
CREATE TYPE "ConversationHandler" AS ENUM ('bot', 'agent');

-- CreateEnum
CREATE TYPE "InteractionDirection" AS ENUM ('inbound', 'outbound');

-- CreateEnum
CREATE TYPE "InteractionStatus" AS ENUM ('received', 'handled', 'pending', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'received');

-- CreateEnum
CREATE TYPE "InteractionItemType" AS ENUM ('troubleTicket', 'productOrder', 'bill', 'billAdjustment', 'customer');

-- CreateEnum
CREATE TYPE "TroubleTicketStatus" AS ENUM ('acknowledged', 'rejected', 'pending', 'held', 'inProgress', 'cancelled', 'closed', 'resolved');

-- CreateEnum
CREATE TYPE "TicketSeverity" AS ENUM ('critical', 'major', 'minor');

-- CreateEnum
CREATE TYPE "OutageStatus" AS ENUM ('active', 'restored');

-- CreateEnum
CREATE TYPE "ProductOrderState" AS ENUM ('acknowledged', 'rejected', 'pending', 'held', 'inProgress', 'cancelled', 'completed', 'failed', 'partial', 'assessingCancellation', 'pendingCancellation', 'draft');

-- CreateEnum
CREATE TYPE "OrderItemAction" AS ENUM ('add', 'modify', 'delete', 'noChange');

-- CreateEnum
CREATE TYPE "BillState" AS ENUM ('new', 'onHold', 'sent', 'partiallyPaid', 'settled');

-- CreateEnum
CREATE TYPE "ChargeType" AS ENUM ('recurring', 'oneTime', 'usage', 'tax', 'credit');

-- CreateEnum
CREATE TYPE "AdjustmentStatus" AS ENUM ('pending', 'approved', 'rejected', 'applied');

-- CreateEnum
CREATE TYPE "ConsentPurpose" AS ENUM ('service', 'marketing');

-- CreateEnum
CREATE TYPE "ConsentStatus" AS ENUM ('granted', 'revoked');

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('agent', 'supervisor', 'marketer', 'admin');

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL,
    "givenName" TEXT NOT NULL,
    "familyName" TEXT NOT NULL,
    "status" "CustomerStatus" NOT NULL DEFAULT 'active',
    "serviceArea" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContactMedium" (
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "mediumType" "ContactMediumType" NOT NULL,
    "preferred" BOOLEAN NOT NULL DEFAULT false,
    "phoneNumber" TEXT,
    "email" TEXT,
    "street" TEXT,
    "city" TEXT,
    "postCode" TEXT,
    "country" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ContactMedium_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "accountNumber" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "status" "AccountStatus" NOT NULL DEFAULT 'active',
    "paperlessBill" BOOLEAN NOT NULL DEFAULT true,
    "billCycleDay" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductOffering" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "serviceType" "ServiceType" NOT NULL,
    "isAddOn" BOOLEAN NOT NULL DEFAULT false,
    "recurringPrice" DECIMAL(12,2) NOT NULL,
    "oneTimePrice" DECIMAL(12,2) NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "commitmentMonths" INTEGER NOT NULL DEFAULT 0,
    "lifecycleStatus" "LifecycleStatus" NOT NULL DEFAULT 'active',
    "keywords" TEXT[],
    "compatibleWith" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductOffering_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Product" (
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "offeringId" TEXT NOT NULL,
    "serviceType" "ServiceType" NOT NULL,
    "status" "ProductStatus" NOT NULL DEFAULT 'active',
    "serviceIdentifier" TEXT,
    "startDate" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "terminationDate" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Conversation" (
    "id" TEXT NOT NULL,
    "channel" "Channel" NOT NULL,
    "externalId" TEXT NOT NULL,
    "serviceAddress" TEXT,
    "customerId" TEXT,
    "status" "ConversationStatus" NOT NULL DEFAULT 'open',
    "handler" "ConversationHandler" NOT NULL DEFAULT 'bot',
    "nextInboundSeq" INTEGER NOT NULL DEFAULT 1,
    "lastMessageAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Interaction" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "customerId" TEXT,
    "direction" "InteractionDirection" NOT NULL,
    "channel" "Channel" NOT NULL,
    "fromAddress" TEXT NOT NULL,
    "toAddress" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "reason" TEXT,
    "status" "InteractionStatus" NOT NULL,
    "seq" INTEGER,
    "handledAt" TIMESTAMP(3),
    "providerMessageId" TEXT,
    "deliveryStatus" "DeliveryStatus",
    "deliveryErrorCode" TEXT,
    "deliveryAttempts" INTEGER NOT NULL DEFAULT 0,
    "inReplyToId" TEXT,
    "correlationId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Interaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InteractionItem" (
    "id" TEXT NOT NULL,
    "interactionId" TEXT NOT NULL,
    "itemType" "InteractionItemType" NOT NULL,
    "itemId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InteractionItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TroubleTicket" (
    "id" TEXT NOT NULL,
    "number" SERIAL NOT NULL,
    "customerId" TEXT NOT NULL,
    "productId" TEXT,
    "serviceType" "ServiceType" NOT NULL,
    "ticketType" TEXT NOT NULL DEFAULT 'fault',
    "status" "TroubleTicketStatus" NOT NULL DEFAULT 'acknowledged',
    "severity" "TicketSeverity" NOT NULL DEFAULT 'minor',
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "issueStartedAt" TIMESTAMP(3),
    "channel" "Channel" NOT NULL,
    "outageId" TEXT,
    "expectedResolutionDate" TIMESTAMP(3),
    "resolutionDate" TIMESTAMP(3),
    "statusChangeReason" TEXT,
    "statusChangeDate" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TroubleTicket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TroubleTicketStatusChange" (
    "id" TEXT NOT NULL,
    "ticketId" TEXT NOT NULL,
    "status" "TroubleTicketStatus" NOT NULL,
    "reason" TEXT,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TroubleTicketStatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Outage" (
    "id" TEXT NOT NULL,
    "serviceType" "ServiceType" NOT NULL,
    "area" TEXT NOT NULL,
    "status" "OutageStatus" NOT NULL DEFAULT 'active',
    "description" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expectedRestoreAt" TIMESTAMP(3),
    "restoredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Outage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductOrder" (
    "id" TEXT NOT NULL,
    "number" SERIAL NOT NULL,
    "customerId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "state" "ProductOrderState" NOT NULL DEFAULT 'acknowledged',
    "channel" "Channel" NOT NULL,
    "requestedCompletionDate" TIMESTAMP(3),
    "expectedCompletionDate" TIMESTAMP(3),
    "completionDate" TIMESTAMP(3),
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductOrderItem" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "action" "OrderItemAction" NOT NULL,
    "offeringId" TEXT NOT NULL,
    "productId" TEXT,
    "state" "ProductOrderState" NOT NULL DEFAULT 'acknowledged',
    "quantity" INTEGER NOT NULL DEFAULT 1,
    "recurringPrice" DECIMAL(12,2) NOT NULL,
    "oneTimePrice" DECIMAL(12,2) NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductOrderItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Bill" (
    "id" TEXT NOT NULL,
    "number" SERIAL NOT NULL,
    "accountId" TEXT NOT NULL,
    "billDate" TIMESTAMP(3) NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "periodEnd" TIMESTAMP(3) NOT NULL,
    "dueDate" TIMESTAMP(3) NOT NULL,
    "amountDue" DECIMAL(12,2) NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "state" "BillState" NOT NULL DEFAULT 'sent',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Bill_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BillCharge" (
    "id" TEXT NOT NULL,
    "billId" TEXT NOT NULL,
    "productId" TEXT,
    "chargeType" "ChargeType" NOT NULL,
    "description" TEXT NOT NULL,
    "amount" DECIMAL(12,2) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BillCharge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BillAdjustment" (
    "id" TEXT NOT NULL,
    "number" SERIAL NOT NULL,
    "customerId" TEXT NOT NULL,
    "billId" TEXT NOT NULL,
    "chargeId" TEXT,
    "amount" DECIMAL(12,2) NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "AdjustmentStatus" NOT NULL DEFAULT 'pending',
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "appliedAt" TIMESTAMP(3),
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BillAdjustment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Consent" (
    "id" TEXT NOT NULL,
    "channel" "Channel" NOT NULL,
    "address" TEXT NOT NULL,
    "purpose" "ConsentPurpose" NOT NULL,
    "status" "ConsentStatus" NOT NULL,
    "source" TEXT NOT NULL,
    "customerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffUser" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "StaffRole" NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StaffUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "details" JSONB,
    "correlationId" TEXT,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BotState" (
    "key" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BotState_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "ContactMedium_phoneNumber_key" ON "ContactMedium"("phoneNumber");

-- CreateIndex
CREATE INDEX "ContactMedium_customerId_idx" ON "ContactMedium"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Account_accountNumber_key" ON "Account"("accountNumber");

-- CreateIndex
CREATE INDEX "Account_customerId_idx" ON "Account"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "ProductOffering_code_key" ON "ProductOffering"("code");

-- CreateIndex
CREATE INDEX "Product_customerId_idx" ON "Product"("customerId");

-- CreateIndex
CREATE INDEX "Conversation_customerId_idx" ON "Conversation"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Conversation_channel_externalId_key" ON "Conversation"("channel", "externalId");

-- CreateIndex
CREATE INDEX "Interaction_customerId_createdAt_idx" ON "Interaction"("customerId", "createdAt");

-- CreateIndex
CREATE INDEX "Interaction_conversationId_status_idx" ON "Interaction"("conversationId", "status");

-- CreateIndex
CREATE INDEX "Interaction_status_createdAt_idx" ON "Interaction"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Interaction_channel_providerMessageId_key" ON "Interaction"("channel", "providerMessageId");

-- CreateIndex
CREATE UNIQUE INDEX "Interaction_conversationId_seq_key" ON "Interaction"("conversationId", "seq");

-- CreateIndex
CREATE INDEX "InteractionItem_itemType_itemId_idx" ON "InteractionItem"("itemType", "itemId");

-- CreateIndex
CREATE UNIQUE INDEX "InteractionItem_interactionId_itemType_itemId_action_key" ON "InteractionItem"("interactionId", "itemType", "itemId", "action");

-- CreateIndex
CREATE UNIQUE INDEX "TroubleTicket_number_key" ON "TroubleTicket"("number");

-- CreateIndex
CREATE UNIQUE INDEX "TroubleTicket_idempotencyKey_key" ON "TroubleTicket"("idempotencyKey");

-- CreateIndex
CREATE INDEX "TroubleTicket_customerId_createdAt_idx" ON "TroubleTicket"("customerId", "createdAt");

-- CreateIndex
CREATE INDEX "TroubleTicketStatusChange_ticketId_changedAt_idx" ON "TroubleTicketStatusChange"("ticketId", "changedAt");

-- CreateIndex
CREATE INDEX "Outage_area_serviceType_status_idx" ON "Outage"("area", "serviceType", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ProductOrder_number_key" ON "ProductOrder"("number");

-- CreateIndex
CREATE UNIQUE INDEX "ProductOrder_idempotencyKey_key" ON "ProductOrder"("idempotencyKey");

-- CreateIndex
CREATE INDEX "ProductOrder_customerId_createdAt_idx" ON "ProductOrder"("customerId", "createdAt");

-- CreateIndex
CREATE INDEX "ProductOrderItem_orderId_idx" ON "ProductOrderItem"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "Bill_number_key" ON "Bill"("number");

-- CreateIndex
CREATE INDEX "Bill_accountId_billDate_idx" ON "Bill"("accountId", "billDate");

-- CreateIndex
CREATE INDEX "BillCharge_billId_idx" ON "BillCharge"("billId");

-- CreateIndex
CREATE UNIQUE INDEX "BillAdjustment_number_key" ON "BillAdjustment"("number");

-- CreateIndex
CREATE UNIQUE INDEX "BillAdjustment_idempotencyKey_key" ON "BillAdjustment"("idempotencyKey");

-- CreateIndex
CREATE INDEX "BillAdjustment_customerId_createdAt_idx" ON "BillAdjustment"("customerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Consent_channel_address_purpose_key" ON "Consent"("channel", "address", "purpose");

-- CreateIndex
CREATE UNIQUE INDEX "StaffUser_email_key" ON "StaffUser"("email");

-- CreateIndex
CREATE INDEX "AuditEvent_entityType_entityId_at_idx" ON "AuditEvent"("entityType", "entityId", "at");

-- AddForeignKey
ALTER TABLE "ContactMedium" ADD CONSTRAINT "ContactMedium_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Product" ADD CONSTRAINT "Product_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Product" ADD CONSTRAINT "Product_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Product" ADD CONSTRAINT "Product_offeringId_fkey" FOREIGN KEY ("offeringId") REFERENCES "ProductOffering"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Interaction" ADD CONSTRAINT "Interaction_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Interaction" ADD CONSTRAINT "Interaction_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InteractionItem" ADD CONSTRAINT "InteractionItem_interactionId_fkey" FOREIGN KEY ("interactionId") REFERENCES "Interaction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TroubleTicket" ADD CONSTRAINT "TroubleTicket_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TroubleTicket" ADD CONSTRAINT "TroubleTicket_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TroubleTicket" ADD CONSTRAINT "TroubleTicket_outageId_fkey" FOREIGN KEY ("outageId") REFERENCES "Outage"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TroubleTicketStatusChange" ADD CONSTRAINT "TroubleTicketStatusChange_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "TroubleTicket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductOrder" ADD CONSTRAINT "ProductOrder_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductOrder" ADD CONSTRAINT "ProductOrder_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductOrderItem" ADD CONSTRAINT "ProductOrderItem_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "ProductOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductOrderItem" ADD CONSTRAINT "ProductOrderItem_offeringId_fkey" FOREIGN KEY ("offeringId") REFERENCES "ProductOffering"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductOrderItem" ADD CONSTRAINT "ProductOrderItem_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Bill" ADD CONSTRAINT "Bill_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BillCharge" ADD CONSTRAINT "BillCharge_billId_fkey" FOREIGN KEY ("billId") REFERENCES "Bill"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BillCharge" ADD CONSTRAINT "BillCharge_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BillAdjustment" ADD CONSTRAINT "BillAdjustment_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BillAdjustment" ADD CONSTRAINT "BillAdjustment_billId_fkey" FOREIGN KEY ("billId") REFERENCES "Bill"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BillAdjustment" ADD CONSTRAINT "BillAdjustment_chargeId_fkey" FOREIGN KEY ("chargeId") REFERENCES "BillCharge"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consent" ADD CONSTRAINT "Consent_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Customer-facing references (TT-, ORD-, INV-, ADJ-<number>) start at 100001: six digits from the first, revealing no volumes.
ALTER SEQUENCE "TroubleTicket_number_seq" RESTART WITH 100001;
ALTER SEQUENCE "ProductOrder_number_seq" RESTART WITH 100001;
ALTER SEQUENCE "Bill_number_seq" RESTART WITH 100001;
ALTER SEQUENCE "BillAdjustment_number_seq" RESTART WITH 100001;
