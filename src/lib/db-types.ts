import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

/** A Prisma client or an open transaction: domain functions accept either. */
export type DbClient = PrismaClient | Prisma.TransactionClient;

/** True for Prisma's unique-constraint violation (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}

/** Runs `work` in a new transaction, or in the caller's when `db` already is one. */
export async function inTransaction<T>(db: DbClient, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return '$transaction' in db ? db.$transaction(work) : work(db);
}
