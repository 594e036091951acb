import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { formatTicketReference, parseTicketReference } from '../src/domain/references.ts';
import { describeTicketStatus, isOpen } from '../src/domain/tickets/trouble-tickets.service.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import { entityValue, type IntentRoute } from './intent-route.ts';
import type { BotServices, BotSettings, TicketView } from './services.ts';
import { getTurnInfo } from './turn-info.ts';
import { formatDay, formatDayTime, SERVICE_NAMES } from './wording.ts';

export const TICKET_STATUS_DIALOG = 'ticketStatusDialog';

export const TICKET_STATUS_ROUTE: IntentRoute = {
  intents: ['ticket.status'],
  dialogId: TICKET_STATUS_DIALOG,
  audience: 'customer',
  options: (recognition): TicketStatusOptions => ({ reference: entityValue(recognition, 'ticketRef') }),
};
const STEPS = 'ticketStatusSteps';

export interface TicketStatusOptions {
  /** A reference the customer typed, e.g. "TT-100001". */
  reference?: string | undefined;
}

/** Ticket status: by reference, or the customer's open (else latest) tickets. */
export class TicketStatusDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(TICKET_STATUS_DIALOG, services, settings);
    this.addDialog(new WaterfallDialog<TicketStatusOptions>(STEPS, [this.answerStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Looks the ticket up on the customer's own account and states where it is. */
  private async answerStep(step: WaterfallStepContext<TicketStatusOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const customer = info.customer;
    if (!customer) return step.endDialog();
    info.reason = 'ticket.status';
    const number = step.options.reference ? parseTicketReference(step.options.reference) : undefined;
    if (number !== undefined) {
      const { ticket, recent } = await this.services.lookUpCustomerTicket(customer.id, number);
      if (ticket) {
        info.links.push({ itemType: 'troubleTicket', itemId: ticket.id, action: 'viewed' });
        const latest = await this.services.latestUpdate('troubleTicket', ticket.id);
        await step.context.sendActivity(`${this.describe(ticket)}${latest ? ` Latest (${formatDay(latest.at, this.settings)}): ${latest.text}` : ''}`);
        return step.endDialog();
      }
      const others = recent.length > 0 ? ` Your recent tickets: ${recent.map((t) => t.reference).join(', ')}.` : '';
      await step.context.sendActivity(`I can't find ticket ${formatTicketReference(number)} on your account.${others}`);
      return step.endDialog();
    }
    const recent = await this.services.listRecentTickets(customer.id);
    const open = recent.filter((ticket) => isOpen(ticket.status));
    if (open.length === 0) {
      // "so when will it be back??" right after an outage text: the outage's restore estimate.
      const outages = await this.outagesOf(customer.id);
      if (outages.length > 0) {
        info.reason = 'ticket.status.outage';
        await step.context.sendActivity(outages.join('\n'));
        return step.endDialog();
      }
    }
    if (recent.length === 0) {
      await step.context.sendActivity('You have no fault tickets with us. If something is not working, tell me what and I will open one.');
      return step.endDialog();
    }
    for (const ticket of recent) info.links.push({ itemType: 'troubleTicket', itemId: ticket.id, action: 'viewed' });
    const shown = open.length > 0 ? open : recent.slice(0, 1);
    await step.context.sendActivity(shown.map((ticket) => this.describe(ticket)).join('\n'));
    return step.endDialog();
  }

  /** The active outages on the customer's services, a sentence each. */
  private async outagesOf(customerId: string): Promise<string[]> {
    const services = await this.services.listActiveServices(customerId);
    const types = [...new Set(services.map((service) => service.serviceType))];
    const found = await Promise.all(types.map(async (type) => ({ type, outage: await this.services.findActiveOutage(customerId, type) })));
    return found.flatMap(({ type, outage }) => {
      if (!outage) return [];
      const restore = outage.expectedRestoreAt ? ` Expected fix: ${formatDayTime(outage.expectedRestoreAt, this.settings)}.` : " We don't have a time for the fix yet; we'll text you when it's restored.";
      return [`There's a network outage affecting ${SERVICE_NAMES[type]} in your area: ${outage.description}${restore}`];
    });
  }

  private describe(ticket: TicketView): string {
    const opened = `opened ${formatDay(ticket.createdAt, this.settings)}`;
    if (ticket.ticketType === 'outage' && isOpen(ticket.status)) {
      const restore = ticket.expectedResolutionDate ? ` Expected fix: ${formatDayTime(ticket.expectedResolutionDate, this.settings)}.` : '';
      return `${ticket.reference} (${SERVICE_NAMES[ticket.serviceType]}, ${opened}): linked to the network outage in your area; crews are working on it.${restore}`;
    }
    const eta =
      isOpen(ticket.status) && ticket.expectedResolutionDate ? ` Expected fix by ${formatDayTime(ticket.expectedResolutionDate, this.settings)}.` : '';
    return `${ticket.reference} (${SERVICE_NAMES[ticket.serviceType]}, ${opened}): ${describeTicketStatus(ticket.status)}.${eta}`;
  }
}
