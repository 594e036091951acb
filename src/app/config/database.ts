import { z } from 'zod';

/** The PostgreSQL database: a server, or the embedded PGlite by default. */
export const databaseVariables = z.object({
  /** Unset: the embedded PGlite database in .data/pglite. Or postgresql://…, or pglite://memory. */
  DATABASE_URL: z
    .string()
    .regex(/^(postgres|postgresql|pglite):\/\//, 'must start with postgresql:// or pglite://')
    .optional(),
  /** Connections in the PostgreSQL pool (ignored for PGlite). Default 10. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

export function databaseSettings(env: z.output<typeof databaseVariables>) {
  return { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE };
}
