import { z } from 'zod';
import type { BotSettings } from '../../dialogs/services.ts';
import { createConversationBot, type ConversationBot } from '../../src/bot/conversation-bot.ts';
import type { Row, Sql, Statement } from '../../src/db/sql.ts';
import { DEMO_OFFERINGS } from '../../src/domain/demo/demo-data.ts';
import { OfflineRecognizer } from '../../src/nlu/offline.recognizer.ts';
import { FakeBotServices, type Fixture } from './fake-bot-services.ts';

// Runs the bot's real turn (src/bot/conversation-bot.ts: the offline recogniser, the main dialog
// and every dialog wired as the service wires them, botbuilder's conversation state) against
// FakeBotServices, with the conversation state held in memory. No database, Redis or HTTP: a
// conversation of ten turns takes milliseconds.

export const DIALOG_SETTINGS: BotSettings = {
  operatorName: 'Northwind Telecom',
  supportPhone: '+1 555 010 0100',
  supportUrl: 'https://support.example.com',
  timeZone: 'America/Los_Angeles',
  adjustments: { autoApproveLimit: '25.00', autoApprovePerPeriod: 2, periodDays: 90, otpThreshold: '10.00' },
  verification: { codeTtlSeconds: 600, maxAttempts: 3, maxPerHour: 5, signInMaxPerNumberPerHour: 3, signInMaxPerConversationPerHour: 5, verifiedMinutes: 30 },
};

let sharedRecognizer: OfflineRecognizer | undefined;

/** The offline recogniser over the demo catalog: trained once per process (and cached on disk). */
export function dialogRecognizer(): OfflineRecognizer {
  sharedRecognizer ??= new OfflineRecognizer({ offerings: DEMO_OFFERINGS });
  return sharedRecognizer;
}

export interface BotReply {
  text: string;
  /** Quick replies: buttons on web chat, numbered choices on SMS. */
  suggestedActions: string[];
}

export interface TurnResult {
  replies: BotReply[];
  /** Every reply's text, one per line. */
  text: string;
  /** What the turn was about (the outcome's reason), e.g. `ticket.create`, `agent.request`. */
  reason: string;
}

export interface ConversationOptions {
  /** A fixture customer's id, or null for a sender the channel could not identify. */
  customerId: string | null;
  /** On voice the customer is the caller ID's: a hint until a code proves it. */
  channel: 'sms' | 'webchat' | 'voice';
}

/** One bot over one fake: start conversations on it, then look at `services.calls`. */
export class DialogHarness {
  readonly services: FakeBotServices;
  private readonly bot: ConversationBot;
  private readonly state = new BotStateTable();
  private conversations = 0;

  constructor(fixture: Fixture) {
    this.services = new FakeBotServices(fixture);
    this.bot = createConversationBot(this.state, dialogRecognizer(), this.services, DIALOG_SETTINGS);
  }

  conversation(options: ConversationOptions): Conversation {
    this.conversations += 1;
    return new Conversation(this.bot, this.state, this.services, options, `conversation-${this.conversations}`);
  }
}

/** A customer texting (or chatting with) the bot, one message at a time. */
export class Conversation {
  private seq = 0;

  constructor(
    private readonly bot: ConversationBot,
    private readonly state: BotStateTable,
    private readonly services: FakeBotServices,
    private readonly options: ConversationOptions,
    readonly id: string,
  ) {}

  /** Runs one turn as the gateway does: the turn, then its state changes written. */
  async say(text: string): Promise<TurnResult> {
    this.seq += 1;
    const { channel } = this.options;
    // After a sign-in by code the gateway finds the conversation's customer on the next turn.
    const customerId = this.services.signedIn.get(this.id) ?? this.options.customerId;
    const customer = customerId ? this.services.summaryOf(customerId) : null;
    const turn = await this.bot.runTurn(
      {
        id: `${this.id}-in-${this.seq}`,
        conversationId: this.id,
        customerId,
        channel,
        fromAddress: channel === 'webchat' ? `webchat-visitor-${this.id}` : '+15550009999',
        toAddress: channel === 'webchat' ? 'bot' : '+15550100100',
        text,
        seq: this.seq,
        correlationId: null,
      },
      customer,
    );
    await turn.storage.flush(this.state);
    const replies = turn.outcome.replies.map((reply) => ({ text: reply.text, suggestedActions: reply.suggestedActions ?? [] }));
    return { replies, text: replies.map((reply) => reply.text).join('\n'), reason: turn.outcome.reason ?? '' };
  }
}

const readValues = z.tuple([z.array(z.string())]);
const createValues = z.tuple([z.string(), z.string(), z.string()]);
const updateValues = z.tuple([z.string(), z.string(), z.string(), z.number()]);
const deleteValues = z.tuple([z.string()]);

/**
 * The BotState table in memory: answers the four statements src/bot/turn-storage.ts runs, with
 * the same version check, and refuses any other statement (a dialog must not reach a database).
 * State goes through JSON between turns, as it does in PostgreSQL.
 */
class BotStateTable implements Sql {
  private readonly rowsByKey = new Map<string, { json: string; version: number }>();

  async rows(statement: Statement, values: readonly unknown[]): Promise<Row[]> {
    switch (statement.name) {
      case 'botState.read': {
        const [keys] = readValues.parse(values);
        return keys.flatMap((key) => {
          const row = this.rowsByKey.get(key);
          return row ? [{ key, data: JSON.parse(row.json), version: row.version }] : [];
        });
      }
      case 'botState.create': {
        const [key, json] = createValues.parse(values);
        if (this.rowsByKey.has(key)) return [];
        this.rowsByKey.set(key, { json, version: 1 });
        return [{ key }];
      }
      case 'botState.update': {
        const [key, json, , version] = updateValues.parse(values);
        const row = this.rowsByKey.get(key);
        if (row?.version !== version) return [];
        this.rowsByKey.set(key, { json, version: version + 1 });
        return [{ key }];
      }
      case 'botState.delete': {
        const [key] = deleteValues.parse(values);
        this.rowsByKey.delete(key);
        return [];
      }
      default:
        throw new Error(`The dialog harness has no database: statement ${statement.name} was run`);
    }
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return work(this);
  }
}
