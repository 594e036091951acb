import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { formatOrderReference, parseOrderReference } from '../src/domain/references.ts';
import { describeOrderState, isOrderOpen } from '../src/domain/orders/product-orders.service.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import { entityValue, type IntentRoute } from './intent-route.ts';
import type { BotServices, BotSettings, OrderItemView, OrderView } from './services.ts';
import { getTurnInfo } from './turn-info.ts';
import { formatDay } from './wording.ts';

export const ORDER_STATUS_DIALOG = 'orderStatusDialog';

export const ORDER_STATUS_ROUTE: IntentRoute = {
  intents: ['order.status'],
  dialogId: ORDER_STATUS_DIALOG,
  audience: 'customer',
  options: (recognition): OrderStatusOptions => ({ reference: entityValue(recognition, 'orderRef') }),
};
const STEPS = 'orderStatusSteps';

export interface OrderStatusOptions {
  /** A reference the customer typed, e.g. "ORD-100001". */
  reference?: string | undefined;
}

/** Order status: by reference (the customer's own orders only), or their latest orders. */
export class OrderStatusDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(ORDER_STATUS_DIALOG, services, settings, ORDER_STATUS_ROUTE.intents);
    this.addDialog(new WaterfallDialog<OrderStatusOptions>(STEPS, [this.answerStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Looks the order up on the customer's own account and says where it is, in plain words. */
  private async answerStep(step: WaterfallStepContext<OrderStatusOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const customer = info.customer;
    if (!customer) return step.endDialog();
    info.reason = 'order.status';
    const number = step.options.reference ? parseOrderReference(step.options.reference) : undefined;
    if (number !== undefined) {
      const order = await this.services.findCustomerOrder(customer.id, number);
      if (order) {
        info.links.push({ itemType: 'productOrder', itemId: order.id, action: 'viewed' });
        const latest = await this.services.latestUpdate('productOrder', order.id);
        await step.context.sendActivity(`${this.describe(order)}${latest ? ` Latest (${formatDay(latest.at, this.settings)}): ${latest.text}` : ''}`);
        return step.endDialog();
      }
      // Another customer's order reads exactly like one that does not exist.
      const recent = await this.services.listRecentOrders(customer.id);
      const others = recent.length > 0 ? ` Your recent orders: ${recent.map((order) => order.reference).join(', ')}.` : '';
      await step.context.sendActivity(`I can't find order ${formatOrderReference(number)} on your account.${others}`);
      return step.endDialog();
    }
    const recent = await this.services.listRecentOrders(customer.id);
    if (recent.length === 0) {
      await step.context.sendActivity(`You have no orders with us. Say "offers" to see what you could add.`);
      return step.endDialog();
    }
    // The newest order first (the one just placed), then any other still in progress.
    const [newest, ...older] = recent;
    const shown = newest ? [newest, ...older.filter((order) => isOrderOpen(order.state))] : [];
    for (const order of shown) info.links.push({ itemType: 'productOrder', itemId: order.id, action: 'viewed' });
    await step.context.sendActivity(shown.map((order) => this.describe(order)).join('\n'));
    return step.endDialog();
  }

  /** "ORD-100001 (Fiber 2 Gig, placed Tue, Dec 1): received; our team ... Expected by Fri, Dec 4." */
  private describe(order: OrderView): string {
    const what = order.items.map(itemName).join(', ');
    const placed = `placed ${formatDay(order.createdAt, this.settings)}`;
    const itemStates = new Set(order.items.map((item) => item.state));
    // Items that have moved apart are described one by one.
    const state =
      itemStates.size > 1
        ? order.items.map((item) => `${item.offeringName} ${describeOrderState(item.state)}`).join('; ')
        : order.category === 'cancellation' && order.state === 'held'
          ? 'with our team, who will contact you to agree the date'
          : describeOrderState(order.state);
    const when =
      order.state === 'completed' && order.completionDate
        ? ` Completed ${formatDay(order.completionDate, this.settings)}.`
        : isOrderOpen(order.state) && order.expectedCompletionDate
          ? ` Expected by ${formatDay(order.expectedCompletionDate, this.settings)}.`
          : '';
    return `${order.reference} (${what}, ${placed}): ${state}.${when}`;
  }
}

function itemName(item: OrderItemView): string {
  switch (item.action) {
    case 'modify':
      return `change to ${item.offeringName}`;
    case 'delete':
      return `cancel ${item.offeringName}`;
    default:
      return item.offeringName;
  }
}
