import type { Channel, InteractionItemType, PrismaClient } from '../../generated/prisma/client.ts';
import { AppError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { decidePendingAdjustment } from '../billing/adjustment-approvals.ts';
import type { AdjustmentPolicySettings } from '../billing/adjustment-policy.ts';
import { requestBillAdjustment } from '../billing/adjustments.service.ts';
import { formatMoney } from '../billing/money.ts';
import { issueVerificationCode, type VerificationDeps } from '../identity/verification.service.ts';
import { dispatchNotification, storeConversationNotification, storeCustomerNotification, type NotificationOutbox } from '../notifications/notifications.service.ts';
import { cancelPendingOrder, placeProductOrder, type Ineligible } from '../orders/product-orders.service.ts';
import { formatPostalAddress, parseEmail, postalAddressHint, readPostalAddress, updateCustomerProfile, type ProfileChange } from '../profile/profile.service.ts';
import { openTroubleTicket } from '../tickets/trouble-tickets.service.ts';
import type { StaffActor } from './agent-desk.ts';

// What staff do for the customer from the console: open a trouble ticket, place an order or cancel
// one not yet started, ask for a bill credit, update the profile, resend a one-time code. Each goes
// through the same domain service the bot uses (same eligibility, limits and idempotency), is allowed
// only to the agent who owns the conversation (or a supervisor or admin), leaves an audit event with
// the staff id, and is told to the customer in the conversation: that message, linked to the record
// it is about, is the action's interaction in the contact log.

export interface StaffActionPorts {
  /** Starts the record's tracked work at once (the sweep would too). */
  startTicket(ticketId: string): Promise<void>;
  startOrder(orderId: string): Promise<void>;
  applyAdjustment(adjustmentId: string): Promise<void>;
  outbox: NotificationOutbox;
  adjustmentPolicy: AdjustmentPolicySettings;
  verification: VerificationDeps;
  /** The staff member's own approval limit (decimal string). */
  approvalLimitOf(staffId: string): Promise<string>;
  logger: Logger;
}

/** What the console shows after an action; `toldCustomer` is the message the customer gets. */
export interface StaffActionResult {
  action: StaffActionKind;
  /** done: it happened; pending: recorded and waiting for someone (a credit above the agent's limit); unchanged: nothing to do. */
  outcome: 'done' | 'pending' | 'unchanged';
  reference: string | null;
  summary: string;
  toldCustomer: string | null;
}

export type StaffActionKind = 'ticket' | 'order' | 'order-cancel' | 'credit' | 'profile' | 'resend-code';

export type StaffProfileChange = { field: 'email'; value: string } | { field: 'postalAddress'; value: string } | { field: 'preferredChannel'; value: Channel };

interface Target {
  conversationId: string;
  customerId: string;
  channel: Channel;
}

function refused(code: string, message: string): AppError {
  return new AppError('not_allowed', code, message);
}

/** Why an order cannot be placed, in the words the bot uses for the same refusal. */
function orderRefusal(name: string, refusal: Ineligible): string {
  switch (refusal.reason) {
    case 'alreadySubscribed':
      return `The customer already has ${name}, so there's nothing to order.`;
    case 'alreadyOrdered':
      return `${name} is already on order (${refusal.orderReference ?? 'in progress'}).`;
    case 'customerSuspended':
    case 'accountSuspended':
      return 'The account is suspended, so no new orders can be taken until it is restored.';
    case 'noAccount':
      return 'The customer has no billing account to put an order on.';
    case 'arrears':
      return `${refusal.overdueBill ? `The bill ${refusal.overdueBill.reference} is past its due date` : 'The account has an overdue bill'}, so no new orders can be taken until it's paid.`;
    case 'needsBase':
      return `${name} works only with a base plan the customer doesn't have.`;
    case 'notInArea':
      return `${name} isn't available at the customer's address yet.`;
    case 'incompatible':
      return `${name} can't be combined with ${refusal.conflict ? `their ${refusal.conflict.offeringName}` : 'something they already have'}.`;
    case 'notSold':
      return `${name} is no longer sold.`;
  }
}

export type StaffActions = ReturnType<typeof createStaffActions>;

export function createStaffActions(prisma: PrismaClient, ports: StaffActionPorts) {
  /**
   * The conversation's customer, when this staff member may act in it: the agent who owns it, or
   * any supervisor or admin. Refused for anyone else, and for a conversation with no known customer.
   */
  async function target(actor: StaffActor, conversationId: string): Promise<Target> {
    const conversation = await prisma.conversation.findUnique({ where: { id: conversationId }, select: { customerId: true, channel: true } });
    if (!conversation) throw new AppError('not_found', 'conversation_not_found', 'There is no such conversation.');
    const supervisor = actor.role === 'supervisor' || actor.role === 'admin';
    if (!supervisor) {
      const owner = await prisma.conversationOwner.findUnique({ where: { conversationId }, select: { state: true, ownerStaffId: true } });
      if (owner?.state !== 'agent' || owner.ownerStaffId !== actor.staffId) {
        throw new AppError('forbidden', 'not_conversation_owner', 'Only the agent who owns this conversation (or a supervisor) can act for this customer.');
      }
    }
    if (!conversation.customerId) {
      throw new AppError('conflict', 'customer_not_identified', 'This conversation is not linked to a customer yet: ask them to verify first.');
    }
    return { conversationId, customerId: conversation.customerId, channel: conversation.channel };
  }

  /** Audit of the staff action itself (the domain service records its own events too). */
  async function audit(actor: StaffActor, target: Target, action: StaffActionKind, actionId: string, details: Record<string, unknown>): Promise<void> {
    await recordAuditEvent(prisma, {
      actorType: 'staff',
      actorId: actor.staffId,
      action: `staff.action.${action}`,
      entityType: 'customer',
      entityId: target.customerId,
      details: { conversationId: target.conversationId, actionId, ...details },
      correlationId: actionId,
    });
  }

  /**
   * Tells the customer in the conversation, linked to the record: the action's contact-log entry.
   * On a call nothing can be written into the conversation, so it goes by text to the number on
   * file (the references to keep, as after any call). Once per action id.
   */
  async function tell(target: Target, actionId: string, action: StaffActionKind, text: string, link: { itemType: InteractionItemType; itemId: string; action: string } | null): Promise<void> {
    const note = { customerId: target.customerId, text, reason: `staff.${action}`, idempotencyKey: `staff-action-${actionId}`, correlationId: actionId };
    const stored =
      target.channel === 'voice'
        ? await storeCustomerNotification(prisma, ports.outbox.smsFrom, note)
        : await storeConversationNotification(prisma, { ...note, conversationId: target.conversationId });
    if (!stored) return;
    if (link) await prisma.interactionItem.createMany({ data: [{ interactionId: stored.id, ...link }], skipDuplicates: true });
    if (stored.created) await dispatchNotification(ports.outbox, stored);
  }

  const start = (what: string, id: string, run: (id: string) => Promise<void>) =>
    run(id).catch((error: unknown) => ports.logger.warn({ err: error, [what]: id }, 'tracking job not queued; the sweep will start it'));

  return {
    target,

    /** Opens a trouble ticket on one of the customer's products; its assurance steps start at once. */
    async openTicket(actor: StaffActor, conversationId: string, request: { actionId: string; productId: string; description: string }): Promise<StaffActionResult> {
      const at = await target(actor, conversationId);
      const product = await prisma.product.findFirst({ where: { id: request.productId, customerId: at.customerId }, select: { id: true, status: true, offering: { select: { serviceType: true, name: true } } } });
      if (!product) throw new AppError('not_found', 'product_not_found', 'The customer has no such product.');
      if (product.status === 'terminated') throw refused('product_terminated', `${product.offering.name} is terminated: a fault cannot be reported on it.`);
      const { ticket, created } = await openTroubleTicket(prisma, {
        customerId: at.customerId,
        serviceType: product.offering.serviceType,
        productId: product.id,
        description: request.description,
        issueStartedAt: null,
        channel: at.channel,
        idempotencyKey: `staff-ticket-${request.actionId}`,
        correlationId: request.actionId,
      });
      await start('ticketId', ticket.id, ports.startTicket);
      await audit(actor, at, 'ticket', request.actionId, { ticketId: ticket.id, reference: ticket.reference, created });
      const text = `I've opened ${ticket.reference} for the fault on your ${product.offering.name}. We'll keep you posted here as it's worked on.`;
      await tell(at, request.actionId, 'ticket', text, { itemType: 'troubleTicket', itemId: ticket.id, action: 'created' });
      return { action: 'ticket', outcome: created ? 'done' : 'unchanged', reference: ticket.reference, summary: `${ticket.reference} opened (${ticket.severity}).`, toldCustomer: text };
    },

    /** Places an order for one offering, with the bot's eligibility rules; fulfilment starts at once. */
    async placeOrder(actor: StaffActor, conversationId: string, request: { actionId: string; offeringCode: string }): Promise<StaffActionResult> {
      const at = await target(actor, conversationId);
      const outcome = await placeProductOrder(prisma, { customerId: at.customerId, offeringCode: request.offeringCode, channel: at.channel, idempotencyKey: `staff-order-${request.actionId}`, correlationId: request.actionId });
      if (outcome.status === 'unknownOffering') throw new AppError('not_found', 'offering_not_found', `There is no offering with the code ${request.offeringCode}.`);
      if (outcome.status === 'refused') {
        const offering = await prisma.productOffering.findUnique({ where: { code: request.offeringCode }, select: { name: true } });
        throw refused(`order_refused_${outcome.refusal.reason}`, orderRefusal(offering?.name ?? request.offeringCode, outcome.refusal));
      }
      const { order } = outcome;
      await start('orderId', order.id, ports.startOrder);
      await audit(actor, at, 'order', request.actionId, { orderId: order.id, reference: order.reference, offeringCode: request.offeringCode });
      const names = order.items.map((item) => item.offeringName).join(', ');
      const text = `I've placed ${order.reference} for ${names}. We'll text you at each step until it's active.`;
      await tell(at, request.actionId, 'order', text, { itemType: 'productOrder', itemId: order.id, action: 'created' });
      return { action: 'order', outcome: outcome.status === 'created' ? 'done' : 'unchanged', reference: order.reference, summary: `${order.reference} placed for ${names}.`, toldCustomer: text };
    },

    /** Cancels one of the customer's orders that is not being fulfilled yet. */
    async cancelOrder(actor: StaffActor, conversationId: string, request: { actionId: string; orderId: string; reason: string }): Promise<StaffActionResult> {
      const at = await target(actor, conversationId);
      const outcome = await cancelPendingOrder(prisma, { customerId: at.customerId, orderId: request.orderId, reason: request.reason, actor: { actorType: 'staff', actorId: actor.staffId }, correlationId: request.actionId });
      switch (outcome.status) {
        case 'notFound':
          throw new AppError('not_found', 'order_not_found', 'The customer has no such order.');
        case 'notCancellable':
          throw refused('order_not_cancellable', `${outcome.order.reference} is ${outcome.order.state} already: only an order that has not started can be cancelled.`);
        case 'alreadyCancelled':
          return { action: 'order-cancel', outcome: 'unchanged', reference: outcome.order.reference, summary: `${outcome.order.reference} was already cancelled.`, toldCustomer: null };
        case 'cancelled': {
          await audit(actor, at, 'order-cancel', request.actionId, { orderId: outcome.order.id, reference: outcome.order.reference, reason: request.reason });
          const text = `As you asked, I've cancelled ${outcome.order.reference}. Nothing will be charged for it.`;
          await tell(at, request.actionId, 'order-cancel', text, { itemType: 'productOrder', itemId: outcome.order.id, action: 'updated' });
          return { action: 'order-cancel', outcome: 'done', reference: outcome.order.reference, summary: `${outcome.order.reference} cancelled.`, toldCustomer: text };
        }
      }
    },

    /**
     * Asks for a credit on a charge, as the bot's dispute does (the same policy decides first); a
     * credit the policy leaves for a person is approved by this staff member when it is within their
     * own approval limit, and otherwise waits, pending, for a supervisor.
     */
    async requestCredit(actor: StaffActor, conversationId: string, request: { actionId: string; billId: string; chargeId: string; amount: string; reason: string }): Promise<StaffActionResult> {
      const at = await target(actor, conversationId);
      const outcome = await requestBillAdjustment(
        prisma,
        { customerId: at.customerId, billId: request.billId, chargeId: request.chargeId, amount: request.amount, reason: request.reason, channel: at.channel, idempotencyKey: `staff-credit-${request.actionId}`, correlationId: request.actionId, requestedBy: { actorType: 'staff', actorId: actor.staffId } },
        ports.adjustmentPolicy,
      );
      switch (outcome.kind) {
        case 'chargeNotFound':
          throw new AppError('not_found', 'charge_not_found', 'That charge is not on this customer’s bill, or it cannot be credited (tax, an earlier credit).');
        case 'invalidAmount':
          throw new AppError('invalid_request', 'invalid_amount', 'The amount must be more than zero, in dollars and cents (e.g. 12.50).');
        case 'amountTooHigh':
          throw refused('amount_too_high', `The most that can be credited for that charge is ${formatMoney(outcome.available)}.`);
        case 'alreadyDisputed':
          throw new AppError('conflict', 'charge_already_disputed', `That charge is already disputed: ${outcome.adjustment.reference} for ${formatMoney(outcome.adjustment.amount, outcome.adjustment.currency)}, ${outcome.adjustment.status}. A charge can only be disputed once.`);
        case 'recorded':
          break;
      }
      let adjustment = outcome.adjustment;
      if (adjustment.status === 'pending' && outcome.created) {
        const decided = await decidePendingAdjustment(prisma, {
          adjustmentId: adjustment.id,
          decision: 'approve',
          reason: `Approved by staff in the conversation: ${request.reason}`,
          decider: { staffUserId: actor.staffId, approvalLimit: await ports.approvalLimitOf(actor.staffId) },
        });
        if (decided.kind === 'decided') adjustment = decided.adjustment;
      }
      if (adjustment.status === 'approved') await start('adjustmentId', adjustment.id, ports.applyAdjustment);
      const money = formatMoney(adjustment.amount, adjustment.currency);
      const pending = adjustment.status === 'pending';
      await audit(actor, at, 'credit', request.actionId, { adjustmentId: adjustment.id, reference: adjustment.reference, amount: adjustment.amount, status: adjustment.status });
      const text = pending
        ? `I've asked for a ${money} credit (${adjustment.reference}). A supervisor reviews credits of this size; we'll let you know the decision here.`
        : `Your ${money} credit (${adjustment.reference}) is approved and will show on your next bill.`;
      await tell(at, request.actionId, 'credit', text, { itemType: 'billAdjustment', itemId: adjustment.id, action: 'created' });
      return {
        action: 'credit',
        outcome: !outcome.created ? 'unchanged' : pending ? 'pending' : 'done',
        reference: adjustment.reference,
        summary: pending ? `${adjustment.reference} for ${money} is above your approval limit: it waits for a supervisor.` : `${adjustment.reference} for ${money} approved.`,
        toldCustomer: text,
      };
    },

    /** Changes the email, postal address or contact preference, read with the bot's own rules. */
    async updateProfile(actor: StaffActor, conversationId: string, request: { actionId: string; change: StaffProfileChange }): Promise<StaffActionResult> {
      const at = await target(actor, conversationId);
      const { change } = request;
      let parsed: ProfileChange;
      let shown: string;
      switch (change.field) {
        case 'email': {
          const email = parseEmail(change.value);
          if (!email) throw new AppError('invalid_request', 'invalid_email', `"${change.value}" is not an email address.`);
          parsed = { field: 'email', value: email };
          shown = `email is now ${email}`;
          break;
        }
        case 'postalAddress': {
          const reading = readPostalAddress(change.value);
          if (!reading.ok) throw new AppError('invalid_request', `invalid_address_${reading.problem}`, postalAddressHint(reading.problem));
          parsed = { field: 'postalAddress', value: reading.address };
          shown = `postal address is now ${formatPostalAddress(reading.address)}`;
          break;
        }
        case 'preferredChannel':
          parsed = change;
          shown = `contact preference is now ${change.value === 'sms' ? 'text' : change.value === 'webchat' ? 'web chat' : 'phone call'}`;
          break;
      }
      const result = await updateCustomerProfile(prisma, {
        customerId: at.customerId,
        change: parsed,
        idempotencyKey: `staff-profile-${request.actionId}`,
        channel: at.channel,
        correlationId: request.actionId,
        actor: { actorType: 'staff', actorId: actor.staffId },
      });
      if (!result.changed) return { action: 'profile', outcome: 'unchanged', reference: null, summary: 'Nothing changed: the profile already says that.', toldCustomer: null };
      await audit(actor, at, 'profile', request.actionId, { field: change.field });
      const text = `Done: your ${shown}.`;
      await tell(at, request.actionId, 'profile', text, null);
      return { action: 'profile', outcome: 'done', reference: null, summary: `Profile updated (${change.field}).`, toldCustomer: text };
    },

    /** Texts a new one-time code to the customer's number on file, within the same hourly budget as the bot's. */
    async resendCode(actor: StaffActor, conversationId: string, request: { actionId: string }): Promise<StaffActionResult> {
      const at = await target(actor, conversationId);
      const issued = await issueVerificationCode(prisma, ports.verification, { customerId: at.customerId }, { conversationId, purpose: 'staff.resend', idempotencyKey: `staff-otp-${request.actionId}`, correlationId: request.actionId, now: new Date() });
      if (issued.status === 'rateLimited') throw new AppError('rate_limited', 'verification_rate_limited', 'Too many codes have been sent to that number in the last hour: try again later.');
      if (issued.status === 'noPhone') throw refused('verification_no_phone', 'There is no mobile number on the account to text a code to.');
      if (issued.status === 'signInLimited') throw new AppError('rate_limited', 'verification_rate_limited', 'Too many codes were asked for in this conversation in the last hour.');
      await audit(actor, at, 'resend-code', request.actionId, { challengeId: issued.challengeId });
      const ending = issued.phone.slice(-2);
      // In web chat the customer is told where to look; on SMS the code itself arrives in the same thread, and on a call the agent says so.
      const text = at.channel === 'webchat' ? `I've texted a new code to your number ending in ${ending}. Type it here when it arrives.` : null;
      if (text) await tell(at, request.actionId, 'resend-code', text, null);
      return { action: 'resend-code', outcome: 'done', reference: null, summary: `A new code was texted to the number ending in ${ending}.`, toldCustomer: text };
    },
  };
}
