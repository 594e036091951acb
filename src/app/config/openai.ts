import { z } from 'zod';

/** Optional LLM understanding; the bot works fully without it. */
export const openaiVariables = z.object({
  /** Unset: no LLM, the built-in recogniser only. */
  OPENAI_API_KEY: z.string().min(1).optional(),
  /** Unset: OpenAI's API. */
  OPENAI_BASE_URL: z.url().optional(),
  /** Default gpt-4o-mini. */
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
});

export function openaiSettings(env: z.output<typeof openaiVariables>) {
  return { apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, model: env.OPENAI_MODEL };
}
