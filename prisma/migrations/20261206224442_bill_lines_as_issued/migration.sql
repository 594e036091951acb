-- AlterTable
ALTER TABLE "BillCharge" ADD COLUMN     "offeringCode" TEXT,
ADD COLUMN     "periodEnd" TIMESTAMP(3),
ADD COLUMN     "periodStart" TIMESTAMP(3),
ADD COLUMN     "productName" TEXT,
ADD COLUMN     "serviceType" "ServiceType";

-- Backfill the lines already on bills with what was billed. The line's description was written
-- when it was billed ("Fiber 300 monthly charge", "Fiber 2 Gig (monthly)"), so the offering it
-- names (the longest name it starts with) is what the bill charged for, even after a plan change
-- moved the product to another offering; only a line whose description names no offering falls
-- back to the product's offering today.
UPDATE "BillCharge" AS c
SET "productName" = named."name", "offeringCode" = named."code", "serviceType" = named."serviceType"
FROM (
  SELECT DISTINCT ON (line."id") line."id", o."name", o."code", o."serviceType"
  FROM "BillCharge" AS line
  JOIN "ProductOffering" AS o ON line."description" LIKE o."name" || ' %'
  WHERE line."productId" IS NOT NULL
  ORDER BY line."id", length(o."name") DESC
) AS named
WHERE c."id" = named."id" AND c."productName" IS NULL;

UPDATE "BillCharge" AS c
SET "productName" = o."name", "offeringCode" = o."code", "serviceType" = p."serviceType"
FROM "Product" AS p
JOIN "ProductOffering" AS o ON o."id" = p."offeringId"
WHERE c."productId" = p."id" AND c."productName" IS NULL;

-- Monthly charges and usage cover the bill's period.
UPDATE "BillCharge" AS c
SET "periodStart" = b."periodStart", "periodEnd" = b."periodEnd"
FROM "Bill" AS b
WHERE c."billId" = b."id" AND c."chargeType" IN ('recurring', 'usage') AND c."periodStart" IS NULL;
