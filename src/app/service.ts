import express from 'express';
import type { Server } from 'node:http';
import { customerRoutes } from '../http/api/customers.routes.ts';
import { queueDashboardRoutes } from '../http/api/queue-dashboard.routes.ts';
import { trackingRoutes } from '../http/api/tracking.routes.ts';
import { errorHandler, notFoundHandler } from '../http/error-handler.ts';
import { healthRoutes } from '../http/health.routes.ts';
import { securityHeaders } from '../http/security-headers.ts';
import type { BotSettings } from '../../dialogs/services.ts';
import { createBotServices } from '../bot/bot-services.ts';
import { createConversationBot } from '../bot/conversation-bot.ts';
import { createSmsChannel } from '../channels/sms/sms.channel.ts';
import { channelsByName, type Channel, type InboundMessage } from '../channels/channel.ts';
import { createWebchatChannel } from '../channels/webchat/webchat.channel.ts';
import { createVoiceChannel } from '../channels/voice/voice.channel.ts';
import { createMaskedInput } from '../gateway/masked-input.ts';
import { notifyCustomer } from '../domain/notifications/notifications.service.ts';
import { CHANNEL_CAPABILITIES } from '../channels/channel.ts';
import type { Config } from './config/index.ts';
import { checkDatabase, openDatabase, type Database } from '../db/client.ts';
import { demoRoutes } from '../sandbox/demo.routes.ts';
import { twilioStandInRouter, type TwilioStandInState } from '../sandbox/twilio-standin.ts';
import { webchatDemoRoutes } from '../sandbox/webchat-demo.routes.ts';
import { voiceDemoRoutes } from '../sandbox/voice-demo.routes.ts';
import { createAcceptanceWriter, createSendStartWriter } from '../domain/interactions/outbound.ts';
import { createReceiptWriter } from '../domain/interactions/receipts.ts';
import type { AssuranceDeps } from '../domain/tickets/assurance-deps.ts';
import { ConversationLock } from '../gateway/conversation-lock.ts';
import { acceptInboundMessage } from '../gateway/intake.ts';
import { createImmediateDelivery } from '../gateway/reply-delivery.ts';
import { createTurnRunner, type TurnRunner } from '../gateway/turn-runner.ts';
import { clientAddress, proxyTrust } from '../lib/client-address.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { createMetrics, type Metrics } from '../lib/metrics.ts';
import { closeServer, listeningPort } from '../lib/net.ts';
import { OfflineRecognizer } from '../nlu/offline.recognizer.ts';
import { OpenAiRecognizer } from '../nlu/openai.recognizer.ts';
import type { Recognizer } from '../nlu/recognizer.ts';
import { createNetwork } from '../network/create-network.ts';
import { checkRedis, createRedis } from '../queues/connections.ts';
import { createDeliveryProcessor } from '../queues/delivery.processor.ts';
import { createOutboxRelayProcessor } from '../queues/outbox-relay.processor.ts';
import { QueueRegistry } from '../queues/registry.ts';
import { createTurnProcessor } from '../queues/turn.processor.ts';
import { createTrackedWork } from './tracked-work.ts';
import { listActiveOfferings } from '../domain/catalog/catalog.service.ts';
import { createAgentDesk, type AgentDesk } from '../domain/agents/agent-desk.ts';
import type { ConsoleEvents } from '../domain/agents/console-events.ts';
import type { ChurnRiskLookup } from '../domain/agents/routing-rules.ts';
import { createAgentsProcessor } from '../queues/agents.processor.ts';
import { createHandoffSummarizer } from '../nlu/handoff-summary.ts';
import { createConsoleLiveLayer, type ConsoleLiveLayer } from './console-live.ts';
import { marketingProcessors } from './marketing-work.ts';
import { churnRiskLookup } from '../domain/churn/churn.service.ts';
import { marketingRoutes } from '../http/api/marketing.routes.ts';
import { consoleAppRoutes } from '../http/console/console-app.routes.ts';
import { consoleCustomerRoutes } from '../http/console/customers.routes.ts';
import { createStaffActions } from '../domain/agents/staff-actions.ts';
import { currentStaff, installStaffAuth, requireStaff } from '../http/staff-auth/index.ts';
import { staffSessionRoutes } from '../http/console/session.routes.ts';
import { agentRoutes } from '../http/console/agent.routes.ts';
import { approvalLimitOf, getStaffUser, listStaffUsers } from '../domain/staff/staff-users.ts';

/** A start-up failure with a one-line message meant for the operator. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export interface Service {
  /** Where the service listens, e.g. http://127.0.0.1:3000. */
  url: string;
  publicBaseUrl: string;
  db: Database;
  /** Every queue: `queues.startOrder(orderId)` and the like start work at once. */
  queues: QueueRegistry;
  /** The assurance steps' dependencies (staff routes, the bot's ticket services). */
  assurance: AssuranceDeps;
  /** Runs a conversation's turns: the synchronous path for voice (every instance, since a call is held by an API instance). */
  turns: TurnRunner | undefined;
  metrics: Metrics;
  logger: Logger;
  /** The built-in Twilio stand-in, when no Twilio account is configured. */
  sandbox: TwilioStandInState | undefined;
  /** The Express app (tests walk its routes: every staff route must have a role rule). */
  app: express.Express;
  /** Human agents: ownership, routing, offers, presence (src/domain/agents). */
  agents: AgentDesk;
  /** Stops taking requests, finishes running turns and jobs, closes connections. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Interface to listen on. Default: all interfaces. */
  host?: string;
  /** An open database to use instead of DATABASE_URL; the caller closes it. */
  database?: Database;
  /** Live events to agent consoles (the console's socket layer); absent: none are published. */
  consoleEvents?: ConsoleEvents;
  /** The churn scorer for handoff packets and priorities; absent: the latest stored score (src/domain/churn). */
  churnRisk?: ChurnRiskLookup;
  /** The campaign workers' clock (the gate's "now": local windows, caps); absent: the wall clock. The campaign bench runs at a fixed local hour. */
  campaignClock?: () => Date;
}

/** Starts the whole service (or one role of it) from a parsed configuration. */
export async function startService(config: Config, options: StartOptions = {}): Promise<Service> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const producer = createRedis(config.redis.url, 'producer');
  const workerRedis = createRedis(config.redis.url, 'worker');
  await connectRedis(config, producer, workerRedis, logger);
  const ownsDatabase = options.database === undefined;
  const db = options.database ?? (await openOwnDatabase(config, logger, () => {
    producer.disconnect();
    workerRedis.disconnect();
  }));
  const { prisma, sql } = db;

  const queues = new QueueRegistry({
    settings: { prefix: config.redis.prefix, turns: config.turns, delivery: config.delivery, outbox: config.outbox, tracking: config.tracking, messageJobs: { lockMs: config.recovery.messageJobLockMs }, agents: { sweepMs: config.agents.sweepMs },
      marketing: { churnEventSweepMs: config.marketing.churnEventSweepMs, churnNightlyCron: config.marketing.churnNightlyCron, campaignSendConcurrency: config.marketing.sendConcurrency },
    },
    producer,
    worker: workerRedis,
    logger,
    onJobFailed: (queue) => {
      if (queue === 'turns') metrics.turnFailures.inc();
    },
  });
  const tracking = createTrackedWork(config, prisma, queues, createNetwork(config.network), logger);
  // Human agents: one desk for the bot's handoffs (workers), the agent API (api) and the agents queue.
  // The console's live layer is built once the channels exist (below); the desk publishes through it from then on.
  let consoleLive: ConsoleLiveLayer | undefined;
  const agents = createAgentDesk(prisma, { ...config.agents, timeZone: config.operator.timeZone }, {
    events: options.consoleEvents ?? { publish: async (event) => consoleLive?.events.publish(event) },
    // The handoff packet and the queue priority read the latest stored churn score (src/domain/churn).
    churnRisk: options.churnRisk ?? churnRiskLookup(prisma),
    summarize: config.openai.apiKey ? createHandoffSummarizer({ apiKey: config.openai.apiKey, baseURL: config.openai.baseUrl, model: config.openai.model, logger }) : undefined,
    scheduleOfferExpiry: (conversationId, version, at) => queues.expireOfferAt(conversationId, version, at),
    deliverSoon: (conversationId, interactionId, correlationId) => queues.enqueueDelivery(conversationId, [interactionId], correlationId),
    logger,
  });
  const runsApi = config.role !== 'worker';
  const runsWorkers = config.role !== 'api';
  // Which hops may name the client (TRUST_PROXY): Express (req.ip, req.protocol) and the WebSocket upgrades read it alike.
  const trustProxy = proxyTrust(config.http.trustedProxies);
  // The public URL is only known after listening when the port is chosen by the system (tests).
  let publicBaseUrl = config.http.publicBaseUrl;
  let localUrl = '';
  // Voice runs a caller's turn on the instance holding the call: the turn runner exists on every instance (set once built, below).
  let turns: TurnRunner | undefined;
  const maskedInput = createMaskedInput(producer, config.redis.prefix);
  let catalogNames: Promise<string[]> | undefined;
  // Every channel the service speaks: mounted, delivered to and upgraded by this one list.
  const channels: Channel[] = [
    createSmsChannel({
      accountSid: config.twilio.accountSid,
      authToken: config.twilio.authToken,
      apiBaseUrl: () => (config.twilio.sandbox ? `${publicBaseUrl}/dev/twilio` : config.twilio.apiBaseUrl),
      publicBaseUrl: () => publicBaseUrl,
      validateSignatures: config.twilio.validateSignatures,
      phoneNumbers: [config.twilio.phoneNumber],
    }),
    createWebchatChannel({
      settings: config.webchat,
      redisPrefix: config.redis.prefix,
      redis: producer,
      createSubscriber: () => createRedis(config.redis.url, 'worker'),
      prisma,
      operatorName: config.operator.name,
      clientAddress: (req) => clientAddress(req, trustProxy),
      logger,
    }),
    createVoiceChannel({
      authToken: config.twilio.authToken,
      publicBaseUrl: () => publicBaseUrl,
      validateSignatures: config.twilio.validateSignatures,
      phoneNumbers: [config.twilio.phoneNumber],
      settings: config.voice,
      prisma,
      logger,
      operatorName: config.operator.name,
      timeZone: config.operator.timeZone,
      runTurnNow: async (turn, budgetMs) => {
        if (!turns) throw new Error('the turn runner is not ready yet');
        return turns.runTurnsNow(turn, { budgetMs });
      },
      keepSecret: (interactionId, text) => maskedInput.keep(interactionId, text),
      textCustomer: async (customerId, text, idempotencyKey) => {
        const outbox = { smsFrom: config.twilio.phoneNumber, deliverSoon: (conversationId: string, interactionId: string, correlationId: string) => queues.enqueueDelivery(conversationId, [interactionId], correlationId) };
        return (await notifyCustomer(prisma, outbox, { customerId, text, reason: 'voice.followUp', idempotencyKey })) !== null;
      },
      // The call in the agent console's queue with its packet, as a texted handoff is (src/domain/agents).
      queueForAgent: (request) => agents.handOff(request),
      availability: (intent, now) => agents.availability(intent, now),
      catalogNames: () => (catalogNames ??= listActiveOfferings(prisma).then((offerings) => offerings.map((offering) => offering.name))),
    }),
  ];
  const channelNamed = channelsByName(channels);
  // The agent console's live socket (socket.io over a Redis stream): every instance publishes, API instances serve it.
  consoleLive = await createConsoleLiveLayer({ config, prisma, agents, channels: channelNamed, publicBaseUrl: () => publicBaseUrl, logger });
  const liveLayer = consoleLive;
  /** Every channel's inbound messages go through the gateway here. */
  const acceptMessage = async (message: InboundMessage, options?: { runTurn?: 'queue' | 'caller' }) => {
    const result = await acceptInboundMessage({ prisma, sql, logger, enqueueTurn: (job) => queues.enqueueTurn(job) }, message, options);
    (result.duplicate ? metrics.duplicatesIn : metrics.messagesIn).inc({ channel: message.channel });
    return result;
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.use(securityHeaders({ https: config.http.https }));
  app.use(
    healthRoutes({
      checkDatabase: () => checkDatabase(db),
      checkRedis: async () => {
        await producer.ping();
      },
      metrics,
      queueCounts: () => queues.counts(),
      metricsToken: config.http.metricsToken,
    }),
  );
  let sandbox: TwilioStandInState | undefined;
  // Staff sign-in: every staff route (requireStaff) and the console's session API read it from the app.
  const uninstallStaffAuth = installStaffAuth(app, {
    prisma,
    settings: config.staff,
    secureCookie: config.http.https,
    redis: producer,
    redisPrefix: config.redis.prefix,
    clientAddress: (req) => clientAddress(req, trustProxy),
    showDemoStaff: config.env === 'development',
    logger,
  });
  if (runsApi) {
    app.use(staffSessionRoutes());
    app.use(
      consoleCustomerRoutes({
        prisma,
        sql,
        approvalLimits: config.staff.approvalLimits,
        slaBySeverity: config.sla.bySeverity,
        afterAdjustmentDecision: (adjustmentId, status) => (status === 'approved' ? queues.applyAdjustment(adjustmentId) : queues.explainRejection(adjustmentId)),
      }),
    );
    for (const channel of channels) {
      app.use(
        channel.routes({
          accept: acceptMessage,
          queueTurn: (turn) => {
            queues.enqueueTurn(turn).catch((error: unknown) => logger.warn({ err: error, interactionId: turn.interactionId }, 'turn not enqueued (queue unavailable); the outbox relay will retry'));
          },
          applyReceipt: createReceiptWriter(sql, channel.name),
          onRejected: (reason) => metrics.webhookRejections.inc({ reason }),
          onCustomerTyping: (address) => liveLayer.customerTyping(channel.name, address),
        }),
      );
    }
    app.use(customerRoutes(prisma));
    app.use(trackingRoutes(tracking.assurance));
    app.use(queueDashboardRoutes(queues.all()));
    // The agent console's API (handoffs, replies, presence, wallboard), behind staff sign-in.
    app.use(
      agentRoutes({
        prisma,
        desk: agents,
        auth: { requireStaff, currentStaff },
        staffNames: async (ids) => new Map((await listStaffUsers(prisma)).filter((staff) => ids.includes(staff.id)).map((staff) => [staff.id, staff.displayName])),
        operatorName: config.operator.name,
        actions: createStaffActions(prisma, {
          startTicket: (id) => queues.startTicket(id),
          startOrder: (id) => queues.startOrder(id),
          applyAdjustment: (id) => queues.applyAdjustment(id),
          outbox: { smsFrom: config.twilio.phoneNumber, deliverSoon: (conversationId, interactionId, correlationId) => queues.enqueueDelivery(conversationId, [interactionId], correlationId) },
          adjustmentPolicy: config.adjustments,
          verification: { settings: config.verification, outbox: { smsFrom: config.twilio.phoneNumber, deliverSoon: (conversationId, interactionId, correlationId) => queues.enqueueDelivery(conversationId, [interactionId], correlationId) }, operatorName: config.operator.name },
          approvalLimitOf: async (staffId) => {
            const user = await getStaffUser(prisma, staffId);
            return user ? approvalLimitOf(user, config.staff.approvalLimits) : '0.00';
          },
          logger,
        }),
      }),
    );
    app.use(
      marketingRoutes({
        prisma,
        campaigns: { operatorName: config.operator.name, senderAddress: config.twilio.phoneNumber },
        attributionDays: config.marketing.attributionDays,
        dispatch: (campaignId, round, at) => queues.dispatchCampaign(campaignId, round, at),
      }),
    );
    if (config.twilio.sandbox) {
      const standIn = twilioStandInRouter({ accountSid: config.twilio.accountSid, authToken: config.twilio.authToken });
      sandbox = standIn.state;
      app.use('/dev/twilio', standIn.router);
      app.use(
        demoRoutes({
          prisma,
          authToken: config.twilio.authToken,
          accountSid: config.twilio.accountSid,
          ourNumber: config.twilio.phoneNumber,
          publicBaseUrl: () => publicBaseUrl,
          localUrl: () => localUrl,
          operatorName: config.operator.name,
        }),
      );
      app.use(webchatDemoRoutes({ prisma, operatorName: config.operator.name, userTokenSecret: config.webchat.userTokenSecret }));
      app.use(voiceDemoRoutes({ ourNumber: config.twilio.phoneNumber, operatorName: config.operator.name }));
    }
  }
  // The console's pages last: its API routes above answer first.
  if (runsApi) app.use(consoleAppRoutes());
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.http.port, options.host ?? '0.0.0.0', () => resolve(listening)).once('error', reject);
  }).catch(async (error: unknown) => {
    await Promise.all([queues.close(), liveLayer.close(), ownsDatabase ? db.close() : undefined]);
    producer.disconnect();
    workerRedis.disconnect();
    throw new StartupError(`Cannot listen on PORT=${config.http.port}: ${error instanceof Error ? error.message : String(error)}`);
  });
  // Longer than load balancers' idle timeout (60 s on common ones), so the server never closes a
  // kept-alive connection just as the balancer reuses it (that race drops requests).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // WebSockets (on API instances): the channel whose stream it is takes it; any other upgrade is refused.
  if (runsApi) liveLayer.live.attach(server);
  server.on('upgrade', (req, socket, head) => {
    // The console's socket.io server takes its own upgrades (attached above).
    if (runsApi && liveLayer.live.ownsUpgrade(req)) return;
    if (!(runsApi && channels.some((channel) => channel.handleUpgrade?.(req, socket, head)))) socket.destroy();
  });
  const port = listeningPort(server);
  localUrl = `http://127.0.0.1:${port}`;
  if (config.http.port === 0 && config.http.publicBaseUrl === `http://localhost:0`) publicBaseUrl = `http://localhost:${port}`;

  // The bot and the turn runner on every instance: the queue's workers (worker roles) and voice calls (API roles) both run turns.
  {
    const botSettings: BotSettings = {
      operatorName: config.operator.name,
      supportPhone: config.operator.supportPhone,
      supportUrl: config.operator.supportUrl,
      timeZone: config.operator.timeZone,
      adjustments: config.adjustments,
      verification: config.verification,
      handoff: { agentApprovalLimit: config.staff.approvalLimits.agent },
      campaignAttributionDays: config.marketing.attributionDays,
    };
    // Messages the bot starts itself (one-time codes) go through the delivery queue like replies.
    const bot = createConversationBot(
      sql,
      await createRecognizer(config, db, logger),
      createBotServices(
        prisma,
        sql,
        botSettings,
        {
          smsFrom: config.twilio.phoneNumber,
          deliverSoon: (conversationId, interactionId, correlationId) => queues.enqueueDelivery(conversationId, [interactionId], correlationId),
        },
        { jobs: queues, assurance: tracking.assurance },
        logger,
        agents,
      ),
      botSettings,
    );
    // One lock per conversation for its turns and its deliveries: a turn delivers its own replies.
    const conversationLock = new ConversationLock(workerRedis, config.redis.prefix, config.recovery.conversationLockLeaseMs);
    const replyDelivery = { prisma, sql, senders: channelNamed, recordAcceptance: createAcceptanceWriter(sql), recordSendStarted: createSendStartWriter(sql), logger, metrics };
    turns = createTurnRunner({
      turns: {
        prisma,
        sql,
        bot,
        operator: config.operator,
        logger,
        onTurnHandled: (channel, seconds) => metrics.turnSeconds.observe({ channel }, seconds),
        onTurnStarted: (message) => {
          channelNamed[message.channel]?.announceTyping?.(message.fromAddress).catch((error: unknown) => logger.debug({ err: error }, 'typing indicator not sent'));
        },
        onPersonMessage: (message, ownerStaffId) =>
          agents.customerMessage({ conversationId: message.conversationId, interactionId: message.id, channel: message.channel, text: message.text, at: new Date(), ownerStaffId }),
        // Only spoken channels store input masked (codes and keys a caller gave); others cost no read.
        revealInput: async (message) => (CHANNEL_CAPABILITIES[message.channel].spoken ? maskedInput.reveal(message.id) : undefined),
        looksUpSends: (channel) => channelNamed[channel]?.findEarlierSends !== undefined,
      },
      lock: conversationLock,
      deliverNow: createImmediateDelivery({ ...replyDelivery, attempts: config.delivery.attempts }),
      enqueueDelivery: (conversationId, replyIds, correlationId, attemptsUsed) => queues.enqueueDelivery(conversationId, replyIds, correlationId, attemptsUsed),
      enqueueTurn: (turn) => queues.enqueueTurn(turn),
    });
    if (runsWorkers) await queues.startWorkers({
      turns: createTurnProcessor(turns),
      deliveries: createDeliveryProcessor({ ...replyDelivery, lock: conversationLock }),
      'outbox-relay': createOutboxRelayProcessor({ prisma, queues, logger }),
      ...(config.tracking.workers ? { tracking: tracking.processors } : {}),
      agents: createAgentsProcessor(agents),
      ...(config.marketing.workers ? { marketing: marketingProcessors(config, prisma, queues, workerRedis, logger, options.campaignClock) } : {}),
    });
  }

  const url = localUrl;
  logger.info({ url, publicBaseUrl, role: config.role, database: db.kind, twilio: config.twilio.sandbox ? 'sandbox' : 'twilio' }, 'service started');

  let closing: Promise<void> | undefined;
  return {
    url,
    publicBaseUrl,
    db,
    queues,
    assurance: tracking.assurance,
    turns,
    metrics,
    logger,
    sandbox,
    app,
    agents,
    close() {
      closing ??= (async () => {
        // Channels' live streams first: they are long-lived and would hold the server's close.
        await Promise.all(channels.map((channel) => channel.close()));
        liveLayer.live.disconnectLocal();
        await closeServer(server);
        await queues.close();
        await liveLayer.close();
        uninstallStaffAuth();
        if (ownsDatabase) await db.close();
        producer.disconnect();
        workerRedis.disconnect();
        logger.info('service stopped');
      })();
      return closing;
    },
  };
}

/** The offline recogniser (matching offers against the live catalog), behind OpenAI when a key is set. */
async function createRecognizer(config: Config, db: Database, logger: Logger): Promise<Recognizer> {
  // The catalog's own list, in its order, so the recogniser and the catalog's look-up rank ties alike.
  const offline = new OfflineRecognizer({ offerings: await listActiveOfferings(db.prisma) });
  logger.info(offline.startup, 'offline recogniser ready');
  if (!config.openai.apiKey) return offline;
  return new OpenAiRecognizer({ apiKey: config.openai.apiKey, baseURL: config.openai.baseUrl, model: config.openai.model, fallback: offline, logger });
}

async function openOwnDatabase(config: Config, logger: Logger, onFailure: () => void): Promise<Database> {
  try {
    return await openDatabase({
      url: config.database.url,
      poolSize: config.database.poolSize,
      onMigrationApplied: (name) => logger.info({ migration: name }, 'migration applied'),
      onPoolError: (error) => logger.warn({ err: error }, 'database pool error'),
    });
  } catch (error) {
    onFailure();
    throw new StartupError(error instanceof Error ? error.message : String(error));
  }
}

async function connectRedis(config: Config, producer: ReturnType<typeof createRedis>, worker: ReturnType<typeof createRedis>, logger: Logger) {
  // ioredis rejects connect() with a generic "Connection is closed."; the socket error says why.
  let socketError: Error | undefined;
  producer.once('error', (error: Error) => {
    socketError = error;
  });
  try {
    await Promise.all([producer.connect(), worker.connect()]);
    const { evictionPolicy } = await checkRedis(producer);
    if (evictionPolicy !== 'noeviction') {
      const message = `Redis at REDIS_URL has maxmemory-policy "${evictionPolicy}"; queues need "noeviction" (it would silently drop jobs).`;
      if (config.env === 'production') throw new StartupError(message);
      logger.warn(message);
    }
  } catch (error) {
    producer.disconnect();
    worker.disconnect();
    if (error instanceof StartupError) throw error;
    const reason = socketError?.message ?? (error instanceof Error ? error.message : String(error));
    throw new StartupError(`Redis is not reachable at REDIS_URL=${redactUrl(config.redis.url)} (${reason}). Start Redis or set REDIS_URL.`);
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
