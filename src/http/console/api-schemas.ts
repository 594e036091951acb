import { z } from 'zod';

// The console's API, one set of zod schemas for the server routes and the browser code alike:
// the server parses requests and shapes responses with them, the client parses responses.
// Other screens add their own blocks below (keep one block per area).

export const staffRoleSchema = z.enum(['agent', 'supervisor', 'marketer', 'admin']);
export type StaffRoleName = z.infer<typeof staffRoleSchema>;

/** Every error the service answers with: a stable code and a sentence a person can act on. */
export const apiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const staffPrincipalSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: staffRoleSchema,
  sessionId: z.string(),
});

/** POST /console/api/session */
export const signInRequestSchema = z.object({
  email: z.string().trim().min(1, 'is required').max(254),
  password: z.string().min(1, 'is required').max(200),
});
export type SignInRequest = z.infer<typeof signInRequestSchema>;

/** GET /console/api/session and the answer to a sign-in: who is signed in, and the CSRF token for unsafe requests. */
export const sessionResponseSchema = z.object({
  staff: staffPrincipalSchema,
  csrfToken: z.string(),
  expiresAt: z.iso.datetime(),
  /** The largest bill credit this person may approve (decimal string). */
  approvalLimit: z.string(),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

/** POST /console/api/session/password */
export const passwordChangeRequestSchema = z.object({
  currentPassword: z.string().min(1, 'is required').max(200),
  newPassword: z.string().min(1, 'is required').max(200),
});
export type PasswordChangeRequest = z.infer<typeof passwordChangeRequestSchema>;

export const passwordChangeResponseSchema = z.object({ otherSessionsEnded: z.number().int() });

/** GET /console/api/sign-in-options: in development only, the demo staff and their shared password. */
export const signInOptionsResponseSchema = z.object({
  demoStaff: z
    .object({
      password: z.string(),
      accounts: z.array(z.object({ email: z.string(), displayName: z.string(), role: staffRoleSchema })),
    })
    .nullable(),
});
export type SignInOptionsResponse = z.infer<typeof signInOptionsResponseSchema>;
