import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { formatPostalAddress } from '../src/domain/profile/profile.service.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import type { IntentRoute } from './intent-route.ts';
import type { BotServices, BotSettings, CustomerProfile } from './services.ts';
import { getTurnInfo } from './turn-info.ts';
import { contactText } from './wording.ts';

export const PROFILE_VIEW_DIALOG = 'profileViewDialog';

export const PROFILE_VIEW_ROUTE: IntentRoute = {
  intents: ['profile.view'],
  dialogId: PROFILE_VIEW_DIALOG,
  audience: 'customer',
};
const STEPS = 'profileViewSteps';

/** How each preferred channel is named to the customer. */
export const CHANNEL_NAMES = { sms: 'text message', webchat: 'web chat', voice: 'phone call' } as const;

/** The details on file, in one short message: the identified customer's own record only. */
export class ProfileViewDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(PROFILE_VIEW_DIALOG, services, settings, PROFILE_VIEW_ROUTE.intents);
    this.addDialog(new WaterfallDialog(STEPS, [this.showStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Reads the customer's record and sends it. */
  private async showStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const customer = info.customer;
    if (!customer) return step.endDialog();
    info.reason = 'profile.view';
    const profile = await this.services.getProfile(customer.id);
    if (!profile) {
      await step.context.sendActivity(`I can't find your details right now. Please ${contactText(this.settings)}.`);
      return step.endDialog();
    }
    info.links.push({ itemType: 'customer', itemId: customer.id, action: 'viewed' });
    await step.context.sendActivity(describeProfile(profile));
    return step.endDialog();
  }
}

/** "Alex Morgan. Phone: … Email: … Address: … Updates by: text message. Paperless bills: on. Marketing texts: off." */
export function describeProfile(profile: CustomerProfile): string {
  const parts = [
    `${profile.givenName} ${profile.familyName}.`,
    `Phone: ${profile.phone ?? 'none'}.`,
    `Email: ${profile.email ?? 'none'}.`,
    `Address: ${profile.postalAddress ? formatPostalAddress(profile.postalAddress) : 'none'}.`,
    `Updates by: ${CHANNEL_NAMES[profile.preferredChannel]}.`,
    ...(profile.paperlessBill === null ? [] : [`Paperless bills: ${onOff(profile.paperlessBill)}.`]),
    `Marketing texts: ${onOff(profile.marketingTexts)}.`,
    'Say "change my details" to update them.',
  ];
  return `On file: ${parts.join(' ')}`;
}

function onOff(value: boolean): string {
  return value ? 'on' : 'off';
}
