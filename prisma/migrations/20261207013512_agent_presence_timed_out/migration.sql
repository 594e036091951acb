-- AlterTable
ALTER TABLE "AgentPresence" ADD COLUMN     "timedOutFrom" "PresenceStatus";
