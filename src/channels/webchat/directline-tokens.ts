import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { AppError } from '../../lib/errors.ts';

// Direct Line tokens: HS256 JWTs signed with WEBCHAT_TOKEN_SECRET, so any instance that shares the
// secret accepts them and nothing is stored. A token names one conversation and the user in it
// (`user`, which Web Chat and DirectLineJS read from the token) and, when a signed user token
// identified the visitor, the customer. Stream tokens (in streamUrl) are a separate, one-minute
// audience so a URL that leaks into a log cannot post or read.

const ISSUER = 'telco-bot';
const CONVERSATION_AUDIENCE = 'directline';
const STREAM_AUDIENCE = 'directline-stream';
/** The time a client has to open the WebSocket after getting its streamUrl (as on Microsoft's service). */
const STREAM_TOKEN_SECONDS = 60;
/** Longest lifetime accepted for a user token from the operator's website: they are meant to be short. */
export const MAX_USER_TOKEN_SECONDS = 3600;

/** What a valid Direct Line token grants. */
export interface ConversationGrant {
  conversationId: string;
  /** The Direct Line user id (dl_…), bound to the token so it cannot be forged. */
  userId: string;
  /** The customer a signed user token identified when the token was generated, or null (anonymous). */
  customerId: string | null;
  expiresAt: Date;
}

export interface StreamGrant {
  conversationId: string;
  /** When the conversation token behind this stream expires: the stream closes then. */
  tokenExpiresAt: Date;
}

const conversationClaims = z.object({
  conv: z.string().min(1),
  user: z.string().min(1),
  cid: z.string().min(1).optional(),
  exp: z.number(),
});

const streamClaims = z.object({
  conv: z.string().min(1),
  until: z.number(),
});

const userClaims = z.object({ sub: z.string().min(1).max(200), exp: z.number() });

export interface DirectLineTokenOptions {
  secret: string;
  ttlSeconds: number;
  /** Verifies user tokens from the operator's website; undefined: that sign-in is off. */
  userTokenSecret: string | undefined;
}

/** A new conversation id: 22 URL-safe characters, unguessable. */
export function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

/** A new Direct Line user id; the `dl_` prefix marks ids that only a token can carry. */
export function newDirectLineUserId(): string {
  return `dl_${randomBytes(12).toString('base64url')}`;
}

export class DirectLineTokens {
  private readonly key: Uint8Array;
  private readonly userKey: Uint8Array | undefined;

  constructor(private readonly options: DirectLineTokenOptions) {
    this.key = new TextEncoder().encode(options.secret);
    this.userKey = options.userTokenSecret ? new TextEncoder().encode(options.userTokenSecret) : undefined;
  }

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  /** A token for the conversation, valid for WEBCHAT_TOKEN_TTL_SECONDS from `now`. */
  async issue(grant: Omit<ConversationGrant, 'expiresAt'>, now = new Date()): Promise<{ token: string; expiresIn: number; expiresAt: Date }> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = issuedAt + this.options.ttlSeconds;
    const token = await new SignJWT({ conv: grant.conversationId, user: grant.userId, ...(grant.customerId ? { cid: grant.customerId } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(CONVERSATION_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresIn: this.options.ttlSeconds, expiresAt: new Date(expiresAt * 1000) };
  }

  /** The grant of a Direct Line token; a 403 AppError when it is invalid or expired. */
  async verify(token: string): Promise<ConversationGrant> {
    const payload = await verifyJwt(token, this.key, CONVERSATION_AUDIENCE, 'token');
    const claims = conversationClaims.safeParse(payload);
    if (!claims.success) throw invalidToken('token');
    return { conversationId: claims.data.conv, userId: claims.data.user, customerId: claims.data.cid ?? null, expiresAt: new Date(claims.data.exp * 1000) };
  }

  /** The token of a streamUrl: one minute to connect. */
  async issueStreamToken(grant: ConversationGrant, now = new Date()): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return new SignJWT({ conv: grant.conversationId, until: Math.floor(grant.expiresAt.getTime() / 1000) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(STREAM_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + STREAM_TOKEN_SECONDS)
      .sign(this.key);
  }

  async verifyStreamToken(token: string): Promise<StreamGrant> {
    const payload = await verifyJwt(token, this.key, STREAM_AUDIENCE, 'stream token');
    const claims = streamClaims.safeParse(payload);
    if (!claims.success) throw invalidToken('stream token');
    return { conversationId: claims.data.conv, tokenExpiresAt: new Date(claims.data.until * 1000) };
  }

  /**
   * The customer id in a user token signed by the operator's website (HS256 with
   * WEBCHAT_USER_TOKEN_SECRET, customer id in `sub`, expiring within the hour).
   */
  async verifyUserToken(token: string, now = new Date()): Promise<string> {
    if (!this.userKey) {
      throw new AppError('forbidden', 'user_tokens_disabled', 'Signing in with a user token is not enabled on this service (WEBCHAT_USER_TOKEN_SECRET is not set).');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.userKey, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'], currentDate: now }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AppError('forbidden', 'user_token_expired', 'The user token has expired; get a new one from the website.');
      throw new AppError('forbidden', 'invalid_user_token', 'The user token is not valid: it must be an HS256 JWT signed with the configured secret, with the customer id in "sub" and an expiry.');
    }
    const claims = userClaims.safeParse(payload);
    if (!claims.success) throw new AppError('forbidden', 'invalid_user_token', 'The user token must carry the customer id in "sub" and an expiry in "exp".');
    if (claims.data.exp - now.getTime() / 1000 > MAX_USER_TOKEN_SECONDS) {
      throw new AppError('forbidden', 'user_token_too_long', `The user token must expire within ${MAX_USER_TOKEN_SECONDS / 60} minutes of now.`);
    }
    return claims.data.sub;
  }
}

async function verifyJwt(token: string, key: Uint8Array, audience: string, what: string): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: ISSUER, audience, requiredClaims: ['exp'] });
    return payload;
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new AppError('forbidden', 'token_expired', `The Direct Line ${what} has expired. Refresh tokens before they expire (POST /v3/directline/tokens/refresh), or start a new conversation.`);
    }
    throw invalidToken(what);
  }
}

function invalidToken(what: string): AppError {
  return new AppError('forbidden', 'invalid_token', `The Direct Line ${what} is not valid here. Get one from POST /v3/directline/tokens/generate.`);
}
