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

// Customers: search and the customer 360 (auth helper).

export const customerSearchHitSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  accountNumbers: z.array(z.string()),
  /** What the query matched when it was a reference (ORD-…, TT-…, INV-…, ADJ-…). */
  matchedReference: z.string().nullable(),
});
export type CustomerSearchHit = z.infer<typeof customerSearchHitSchema>;
export const customerSearchResponseSchema = z.object({ query: z.string(), customers: z.array(customerSearchHitSchema) });

const isoDate = z.iso.datetime();
export const adjustmentSchema = z.object({
  id: z.string(),
  reference: z.string(),
  billReference: z.string(),
  chargeDescription: z.string().nullable(),
  amount: z.string(),
  currency: z.string(),
  reason: z.string(),
  status: z.string(),
  decisionReason: z.string().nullable(),
  createdAt: isoDate,
  customerId: z.string(),
  customerName: z.string(),
});
export type AdjustmentRow = z.infer<typeof adjustmentSchema>;

const fulfilmentStep = z.object({ step: z.string(), status: z.enum(['done', 'failed', 'waiting']), at: isoDate.nullable() });

export const customer360Schema = z.object({
  profile: z.object({
    id: z.string(),
    '@type': z.literal('Individual'),
    givenName: z.string(),
    familyName: z.string(),
    status: z.string(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    postalAddress: z.string().nullable(),
    preferredChannel: z.string(),
    paperlessBill: z.boolean().nullable(),
    marketingTexts: z.boolean(),
    accountNumbers: z.array(z.string()),
  }),
  products: z.array(
    z.object({ id: z.string(), serviceType: z.string(), offeringName: z.string(), isAddOn: z.boolean(), status: z.string(), serviceIdentifier: z.string().nullable(), recurringPrice: z.string().nullable() }),
  ),
  orders: z.array(
    z.object({
      id: z.string(),
      reference: z.string(),
      state: z.string(),
      stateText: z.string(),
      createdAt: isoDate,
      expectedCompletionDate: isoDate.nullable(),
      items: z.array(z.object({ action: z.string(), offeringName: z.string(), state: z.string() })),
      /** Open orders: each fulfilment step (validate, then reserve → provision → activate → test per item); null for finished ones. */
      progress: z
        .object({
          validate: fulfilmentStep,
          items: z.array(z.object({ offeringName: z.string(), state: z.string(), steps: z.array(fulfilmentStep) })),
        })
        .nullable(),
    }),
  ),
  tickets: z.array(
    z.object({
      id: z.string(),
      reference: z.string(),
      serviceType: z.string(),
      status: z.string(),
      severity: z.string(),
      description: z.string(),
      createdAt: isoDate,
      /** The SLA's due time; `slaBreached` once it has passed on an open ticket. */
      expectedResolutionDate: isoDate.nullable(),
      slaBreached: z.boolean(),
      /** Open tickets: the SLA clock (it pauses while the ticket waits on the customer); remaining is negative once breached. */
      sla: z.object({ budgetSeconds: z.number().int(), elapsedSeconds: z.number().int(), remainingSeconds: z.number().int(), running: z.boolean() }).nullable(),
    }),
  ),
  /** The stored churn score (src/domain/churn; score 0..100, the probability in percent), null when the customer was never scored. */
  churnRisk: z.object({ score: z.number(), band: z.string(), reasons: z.array(z.string()) }).nullable(),
  balance: z.object({ currency: z.string(), owed: z.string(), nextBillDate: isoDate.nullable() }),
  bills: z.array(
    z.object({
      id: z.string(),
      reference: z.string(),
      billDate: isoDate,
      dueDate: isoDate,
      amountDue: z.string(),
      currency: z.string(),
      state: z.string(),
      charges: z.array(z.object({ id: z.string(), chargeType: z.string(), description: z.string(), amount: z.string() })),
    }),
  ),
  pendingAdjustments: z.array(adjustmentSchema),
  interactions: z.array(
    z.object({
      id: z.string(),
      direction: z.string(),
      channel: z.string(),
      at: isoDate,
      text: z.string(),
      reason: z.string().nullable(),
      deliveryStatus: z.string().nullable(),
    }),
  ),
});
export type Customer360 = z.infer<typeof customer360Schema>;

// Approvals of bill credits (auth helper).

export const pendingAdjustmentsResponseSchema = z.object({ adjustments: z.array(adjustmentSchema), approvalLimit: z.string() });
export const adjustmentDecisionRequestSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().trim().min(3, 'needs a few words').max(500),
});
export type AdjustmentDecisionRequest = z.infer<typeof adjustmentDecisionRequestSchema>;
export const adjustmentDecisionResponseSchema = z.object({ adjustment: z.object({ id: z.string(), reference: z.string(), status: z.string(), decisionReason: z.string().nullable() }) });
