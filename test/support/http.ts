import { z } from 'zod';

const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), problem: z.string() })).optional(),
  }),
});

/** The API's error body, checked to have the documented shape. */
export async function readError(response: Response) {
  return errorBody.parse(await response.json()).error;
}

export const timelineBody = z.object({
  customer: z.object({ id: z.string(), name: z.string() }),
  interactions: z.array(
    z.object({
      id: z.string(),
      direction: z.enum(['inbound', 'outbound']),
      channel: z.array(z.object({ role: z.string(), name: z.string() })),
      description: z.string(),
      reason: z.string().nullable(),
      providerMessageId: z.string().nullable(),
      deliveryStatus: z.string().nullable(),
      interactionItem: z.array(z.object({ item: z.object({ '@referredType': z.string(), id: z.string() }), action: z.string() })),
    }),
  ),
});
