import { TextPrompt, WaterfallDialog, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { formatPostalAddress, isUnchanged, parseEmail, parsePostalAddress, postalAddressHint, PROFILE_FIELDS, readPostalAddress } from '../src/domain/profile/profile.service.ts';
import type { Entity } from '../src/nlu/recognizer.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import { pickChoice, withChoices } from './choices.ts';
import type { IntentRoute } from './intent-route.ts';
import { CHANNEL_NAMES } from './profile-view.dialog.ts';
import type { BotServices, BotSettings, Channel, CustomerProfile, ProfileChange, ProfileField } from './services.ts';
import { getTurnInfo, type TurnInfo } from './turn-info.ts';
import { VERIFY_DIALOG, type VerifyOptions } from './verify.dialog.ts';
import { contactText, replyVerb } from './wording.ts';

export const PROFILE_UPDATE_DIALOG = 'profileUpdateDialog';

export const PROFILE_UPDATE_ROUTE: IntentRoute = {
  // "No more promos" reads as an opt-out: it is the marketing-texts setting.
  intents: ['profile.update', 'optout'],
  dialogId: PROFILE_UPDATE_DIALOG,
  audience: 'customer',
  options: (recognition): ProfileUpdateOptions => {
    if (recognition.intent === 'optout') {
      if (!FIELD_WORDS.some(([field, pattern]) => field === 'marketingTexts' && pattern.test(recognition.text))) return { stopAll: true };
      return { field: 'marketingTexts', value: toggleFrom('marketingTexts', recognition.text) ?? false };
    }
    const field = fieldFromText(recognition.text) ?? fieldFromEntities(recognition.entities);
    return { field, value: field ? valueFrom(field, recognition.text, recognition.entities) : undefined };
  },
};
const STEPS = 'profileUpdateSteps';
const FIELD_PROMPT = 'profileUpdateFieldPrompt';
const VALUE_PROMPT = 'profileUpdateValuePrompt';
const CONFIRM_PROMPT = 'profileUpdateConfirmPrompt';

/** What the first message already said (or a correction said since). */
export interface ProfileUpdateOptions {
  field?: ProfileField | undefined;
  value?: ProfileChange['value'] | undefined;
  /** The customer wants no texts at all: that is the STOP keyword, not a setting. */
  stopAll?: boolean | undefined;
}

const FIELD_CHOICES: ReadonlyArray<{ label: string; field: ProfileField }> = [
  { label: 'Email', field: 'email' },
  { label: 'Postal address', field: 'postalAddress' },
  { label: 'Contact channel', field: 'preferredChannel' },
  { label: 'Paperless billing', field: 'paperlessBill' },
  { label: 'Marketing texts', field: 'marketingTexts' },
];
const CHANNEL_CHOICES: ReadonlyArray<{ label: string; channel: Channel }> = [
  { label: 'Text message', channel: 'sms' },
  { label: 'Web chat', channel: 'webchat' },
  { label: 'Phone call', channel: 'voice' },
];
const ON_OFF = ['On', 'Off'];
const STOP_SCOPE_PROMPT = 'profileUpdateStopScopePrompt';
const STOP_SCOPES = ['All texts', 'Only offers'];
const YES_NO = ['Yes', 'No'];

// Words that name a detail, checked in this order ("email address" is the email, not the address).
const FIELD_WORDS: ReadonlyArray<[ProfileField, RegExp]> = [
  ['paperlessBill', /\b(paperless|paper (bills?|statements?|billing|copy|copies)|e-?bills?|bills? (by|in the) (mail|post)|printed bills?)\b/i],
  ['marketingTexts', /\b(marketing|offers?|promos?|promotions?|promotional|deals|adverts?|advertising|newsletters?)\b/i],
  ['preferredChannel', /\b(contact (preference|channel|method)s?|preferred (channel|contact)|how (you|to) contact|reach me|contact me|contact by|prefer(red)?)\b/i],
  ['email', /\be-?mail\b/i],
  ['postalAddress', /\b(address|moved|moving|move house|new home|relocat\w*)\b/i],
];
const CHANNEL_WORDS: ReadonlyArray<[Channel, RegExp]> = [
  ['webchat', /\b(web ?chat|chat|online|website)\b/i],
  ['voice', /\b(calls?|phone calls?|voice|ring)\b/i],
  ['sms', /\b(text|texts|texting|sms|messages?)\b/i],
];
const OFF = /\b(off|stop|no more|don'?t|dont|do not|disable|unsubscribe|opt ?out|cancel|end)\b/i;
const ON = /\b(on|start|enable|yes|sign me up|subscribe|opt ?in|want|send me|go)\b/i;
const PAPER = /\b(paper (bills?|statements?|copy|copies)|by (mail|post)|printed|in the (mail|post))\b/i;
// "no, it's x", "actually make it x", "my new email is x": the value after the lead-in.
const LEAD_IN = /^\s*(?:no\b[,.!]?\s*)?(?:(?:it'?s|it is|its|actually|make it|change it to|use|should be|i meant?|sorry|my new (?:e-?mail|address)(?: is)?|new (?:e-?mail|address)(?: is)?|to)\b[:,]?\s*)*/i;

/**
 * Profile update: which detail (email, postal address, contact channel, paperless billing,
 * marketing texts), the new value (validated), a read-back to confirm (corrections welcome), the
 * one-time code, then the change with its audit record.
 */
export class ProfileUpdateDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(PROFILE_UPDATE_DIALOG, services, settings, ['profile.update', 'profile.view', 'optout']);
    this.addDialog(new TextPrompt(STOP_SCOPE_PROMPT, async (prompt) => stopScope(prompt.recognized.value ?? '') !== undefined));
    this.addDialog(new TextPrompt(FIELD_PROMPT, async (prompt) => fieldFromAnswer(prompt.recognized.value ?? '') !== undefined));
    this.addDialog(new TextPrompt(VALUE_PROMPT, async (prompt) => this.validateValue(prompt)));
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, async (prompt) => this.validateConfirm(prompt)));
    this.addDialog(
      new WaterfallDialog<ProfileUpdateOptions>(STEPS, [
        this.fieldStep.bind(this),
        this.valueStep.bind(this),
        this.confirmStep.bind(this),
        this.verifyStep.bind(this),
        this.saveStep.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  /** Which detail: skipped when the first message named one. */
  private async fieldStep(step: WaterfallStepContext<ProfileUpdateOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    info.reason = 'profile.update';
    if (step.options.stopAll && info.capabilities.carrierKeywords) {
      // Wording that may mean every text or only promotions: asked, then honoured either way.
      info.reason = 'optout.scope';
      return step.prompt(STOP_SCOPE_PROMPT, {
        prompt: withChoices('Do you want to stop all texts from us, including about your account and orders, or only offers and promotions?', STOP_SCOPES),
        retryPrompt: withChoices('Please reply 1 to stop all texts, or 2 to stop only offers and promotions.', STOP_SCOPES),
      });
    }
    if (step.options.stopAll) {
      info.reason = 'optout.howTo';
      await step.context.sendActivity('To stop all texts from us, reply STOP. To stop only offers and promotions, say "turn off marketing texts".');
      return step.endDialog();
    }
    if (step.options.field) return step.next();
    const labels = FIELD_CHOICES.map((choice) => choice.label);
    return step.prompt(FIELD_PROMPT, {
      prompt: withChoices('Which detail would you like to change?', labels),
      retryPrompt: withChoices('Please pick the detail to change:', labels),
    });
  }

  /** The new value: skipped when already given (and valid). */
  private async valueStep(step: WaterfallStepContext<ProfileUpdateOptions>): Promise<DialogTurnResult> {
    if (step.options.stopAll && typeof step.result === 'string') {
      const info = getTurnInfo(step.context);
      if (stopScope(step.result) === 'all') {
        // A revocation in the customer's words is honoured like STOP (FCC 2024: any reasonable means).
        await this.services.revokeTextConsent({ customerId: info.customer?.id ?? null, address: step.context.activity.from.id, channel: info.channel, words: step.result, correlationId: info.correlationId });
        info.reason = 'consent.optout';
        await step.context.sendActivity(`You're unsubscribed from ${this.settings.operatorName} messages and will get no more. Reply START to resubscribe.`);
        return step.endDialog();
      }
      step.options.stopAll = false;
      step.options.field = 'marketingTexts';
      step.options.value = false;
      return step.next();
    }
    if (typeof step.result === 'string') step.options.field = fieldFromAnswer(step.result);
    const field = step.options.field;
    if (!field) return step.endDialog();
    if (changeOf(field, step.options.value)) return step.next();
    const profile = await this.profileOf(step);
    if (!profile) return step.endDialog();
    const { prompt, retryPrompt } = valueQuestion(field, profile);
    return step.prompt(VALUE_PROMPT, { prompt, retryPrompt, validations: { field } });
  }

  /** Reads the change back and asks for a yes. */
  private async confirmStep(step: WaterfallStepContext<ProfileUpdateOptions>): Promise<DialogTurnResult> {
    const field = step.options.field;
    if (!field) return step.endDialog();
    if (typeof step.result === 'string') step.options.value = valueFrom(field, step.result, getTurnInfo(step.context).recognition.entities);
    const change = changeOf(field, step.options.value);
    const profile = await this.profileOf(step);
    if (!change || !profile) return step.endDialog();
    if (change.field === 'marketingTexts' && !profile.phone) {
      await step.context.sendActivity(`There's no mobile number on your account to send texts to. Please ${contactText(this.settings)}.`);
      return step.endDialog();
    }
    if (isUnchanged(profile, change)) {
      getTurnInfo(step.context).reason = 'profile.update.unchanged';
      await step.context.sendActivity("That's what we already have on file, so there's nothing to change.");
      return step.endDialog();
    }
    return step.prompt(CONFIRM_PROMPT, {
      prompt: withChoices(`${describeChange(change)}?`, YES_NO),
      retryPrompt: withChoices(`Please ${replyVerb(getTurnInfo(step.context).capabilities)} YES to make the change or NO to leave it as it is.`, YES_NO),
      validations: { field },
    });
  }

  /** A yes asks for the one-time code; a correction reads the new value back; a no drops it. */
  private async verifyStep(step: WaterfallStepContext<ProfileUpdateOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const field = step.options.field;
    const answer = typeof step.result === 'string' ? step.result : '';
    const decision = field ? confirmation(field, answer, info) : undefined;
    if (field && decision?.kind === 'correction') return step.replaceDialog(STEPS, { field, value: decision.value });
    if (decision?.kind !== 'yes') {
      info.reason = 'profile.update.declined';
      await step.context.sendActivity("OK, I haven't changed anything.");
      return step.endDialog();
    }
    const options: VerifyOptions = { purpose: 'profile.update' };
    return step.beginDialog(VERIFY_DIALOG, options);
  }

  /** Saves the change once the code checked out, and says what is on file now. */
  private async saveStep(step: WaterfallStepContext<ProfileUpdateOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const change = step.options.field ? changeOf(step.options.field, step.options.value) : undefined;
    // Not verified: the verify dialog has said why. A new request: the main dialog takes it.
    if (step.result !== true || !change || !info.customer || info.reroute) return step.endDialog();
    await this.services.updateProfile({
      customerId: info.customer.id,
      change,
      idempotencyKey: `profile-${info.inboundId}`,
      channel: info.channel,
      correlationId: info.correlationId,
    });
    info.reason = 'profile.update';
    info.links.push({ itemType: 'customer', itemId: info.customer.id, action: 'updated' });
    await step.context.sendActivity(`Done. ${describeDone(change)}`);
    return step.endDialog(true);
  }

  private async profileOf(step: WaterfallStepContext<ProfileUpdateOptions>): Promise<CustomerProfile | null> {
    const customer = getTurnInfo(step.context).customer;
    const profile = customer ? await this.services.getProfile(customer.id) : null;
    if (customer && !profile) await step.context.sendActivity(`I can't find your details right now. Please ${contactText(this.settings)}.`);
    return profile;
  }

  private async validateValue(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const field = fieldOf(prompt.options.validations);
    if (!field) return false;
    const answer = prompt.recognized.value ?? '';
    if (valueFrom(field, answer, getTurnInfo(prompt.context).recognition.entities) !== undefined) return true;
    // An address that is nearly one: say what is missing (the retry prompt then stays unsent).
    if (field === 'postalAddress' && /^\s*\d/.test(answer.replace(LEAD_IN, ''))) {
      const reading = readPostalAddress(answer.replace(LEAD_IN, ''));
      if (!reading.ok) await prompt.context.sendActivity(postalAddressHint(reading.problem));
    }
    return false;
  }

  private async validateConfirm(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const field = fieldOf(prompt.options.validations);
    return field !== undefined && confirmation(field, prompt.recognized.value ?? '', getTurnInfo(prompt.context)) !== undefined;
  }
}

/** The detail a message names, if any. */
export function fieldFromText(text: string): ProfileField | undefined {
  return FIELD_WORDS.find(([, pattern]) => pattern.test(text))?.[0];
}

function fieldFromEntities(entities: readonly Entity[]): ProfileField | undefined {
  if (entities.some((entity) => entity.type === 'email')) return 'email';
  if (entities.some((entity) => entity.type === 'address')) return 'postalAddress';
  return undefined;
}

/** The detail picked in answer to "which detail?": by choice, or by naming it. */
function fieldFromAnswer(answer: string): ProfileField | undefined {
  const picked = pickChoice(
    answer,
    FIELD_CHOICES.map((choice) => choice.label),
  );
  return picked !== undefined ? FIELD_CHOICES[picked]?.field : fieldFromText(answer);
}

/** The new value a message gives for the field, validated; undefined when it gives none. */
export function valueFrom(field: ProfileField, text: string, entities: readonly Entity[]): ProfileChange['value'] | undefined {
  const stripped = text.replace(LEAD_IN, '');
  switch (field) {
    case 'email': {
      const mentioned = entities.find((entity) => entity.type === 'email')?.value;
      return (mentioned ? parseEmail(mentioned) : undefined) ?? parseEmail(stripped);
    }
    case 'postalAddress': {
      const mentioned = entities.find((entity) => entity.type === 'address')?.value;
      return parsePostalAddress(stripped) ?? (mentioned ? parsePostalAddress(mentioned) : undefined);
    }
    case 'preferredChannel': {
      const picked = pickChoice(
        text,
        CHANNEL_CHOICES.map((choice) => choice.label),
      );
      return picked !== undefined ? CHANNEL_CHOICES[picked]?.channel : CHANNEL_WORDS.find(([, pattern]) => pattern.test(stripped))?.[0];
    }
    case 'paperlessBill':
    case 'marketingTexts':
      return toggleFrom(field, text);
  }
}

// What the on/off words are about: "turn off paperless … i want paper bills" turns paperless off;
// "stop the paper bills" turns it on.
const PAPERLESS_OFF =
  /\b(?:(?:turn|switch|shut)\s+off|stop|disable|cancel|end|no more|don'?t want|dont want|do not want|remove|get rid of|opt out of)\s+(?:the\s+|my\s+|this\s+)?(?:paperless|e-?bills?|email(?:ed)? bills?|online bills?)|\bpaperless\b[^.!?]*\b(?:off|disabled?)\b|\b(?:want|send|get|prefer|back to|switch (?:me )?(?:back )?to|go back to|mail me|receive|need)\b[^.!?]*\bpaper\b(?!less)/i;
const PAPERLESS_ON =
  /\b(?:stop|no more|don'?t (?:want|send)|dont (?:want|send)|do not (?:want|send)|cancel|end)\b[^.!?]*\bpaper\b(?!less)|\b(?:turn|switch)\s+on\s+(?:the\s+)?paperless|\bpaperless\b[^.!?]*\bon\b|\b(?:go|switch(?: me)?(?: to)?|sign me up for|enable|want|start)\b[^.!?]*\bpaperless\b/i;
// "can u text me ur promos": asking for them is an opt-in.
const MARKETING_ON = /\b(?:text|send|message|sms|email)\s+(?:me|us)\b|\bsign me up\b|\bi'?d like\b|\bkeep me (?:posted|updated)\b/i;

/** On or off, from "turn off paperless billing", "I want paper bills", "no more offers", "text me your deals", "On". */
function toggleFrom(field: 'paperlessBill' | 'marketingTexts', text: string): boolean | undefined {
  const picked = pickChoice(text, ON_OFF);
  if (picked !== undefined) return picked === 0;
  if (field === 'paperlessBill') {
    if (PAPERLESS_OFF.test(text)) return false;
    if (PAPERLESS_ON.test(text)) return true;
    // Asking for paper bills turns paperless off; stopping them turns it on.
    if (PAPER.test(text)) return OFF.test(text);
  }
  if (OFF.test(text)) return false;
  if (field === 'marketingTexts' && MARKETING_ON.test(text)) return true;
  if (ON.test(text)) return true;
  return undefined;
}

/** "All texts" or "only offers", by number, label or words ("everything", "just the promos"). */
function stopScope(answer: string): 'all' | 'offers' | undefined {
  const picked = pickChoice(answer, STOP_SCOPES);
  if (picked !== undefined) return picked === 0 ? 'all' : 'offers';
  if (/\b(offers?|promos?|promotions?|marketing|deals|ads|adverts?)\b/i.test(answer)) return 'offers';
  if (/\b(all|everything|every|any|both|stop|yes)\b/i.test(answer)) return 'all';
  return undefined;
}

type Confirmation = { kind: 'yes' } | { kind: 'no' } | { kind: 'correction'; value: ProfileChange['value'] };

/** The answer to the read-back: yes or no (by word or by number), or a different value ("no, it's alex@example.org"). */
function confirmation(field: ProfileField, answer: string, info: Pick<TurnInfo, 'recognition'>): Confirmation | undefined {
  const picked = pickChoice(answer, YES_NO);
  if (picked !== undefined) return { kind: picked === 0 ? 'yes' : 'no' };
  // Toggles have only two values: "no" keeps the one on file.
  const correction = field === 'paperlessBill' || field === 'marketingTexts' ? undefined : valueFrom(field, answer, info.recognition.entities);
  if (correction !== undefined) return { kind: 'correction', value: correction };
  if (info.recognition.intent === 'affirm') return { kind: 'yes' };
  if (info.recognition.intent === 'deny') return { kind: 'no' };
  return undefined;
}

/** The change, when the value fits the field (dialog state is plain JSON). */
function changeOf(field: ProfileField, value: unknown): ProfileChange | undefined {
  switch (field) {
    case 'email':
      return typeof value === 'string' && parseEmail(value) ? { field, value } : undefined;
    case 'postalAddress':
      return isPostalAddress(value) ? { field, value: { street: value.street, city: value.city, postCode: value.postCode } } : undefined;
    case 'preferredChannel': {
      const channel = CHANNEL_CHOICES.find((choice) => choice.channel === value)?.channel;
      return channel ? { field, value: channel } : undefined;
    }
    case 'paperlessBill':
    case 'marketingTexts':
      return typeof value === 'boolean' ? { field, value } : undefined;
  }
}

/** The field a prompt was asked for (carried in its options). */
function fieldOf(validations: unknown): ProfileField | undefined {
  if (typeof validations !== 'object' || validations === null || !('field' in validations)) return undefined;
  return PROFILE_FIELDS.find((candidate) => candidate === validations.field);
}

function isPostalAddress(value: unknown): value is { street: string; city: string; postCode: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'street' in value &&
    typeof value.street === 'string' &&
    'city' in value &&
    typeof value.city === 'string' &&
    'postCode' in value &&
    typeof value.postCode === 'string'
  );
}

function valueQuestion(field: ProfileField, profile: CustomerProfile): { prompt: string | ReturnType<typeof withChoices>; retryPrompt: string | ReturnType<typeof withChoices> } {
  const channels = CHANNEL_CHOICES.map((choice) => choice.label);
  switch (field) {
    case 'email':
      return { prompt: 'What is the new email address?', retryPrompt: "That doesn't look like an email address. Please send it like name@example.com." };
    case 'postalAddress':
      return {
        prompt: 'What is the new postal address? Please send street, city and ZIP code, e.g. 12 Main Street, Oakland 94612.',
        retryPrompt: 'I need the street, city and 5-digit ZIP code, e.g. 12 Main Street, Oakland 94612.',
      };
    case 'preferredChannel':
      return {
        prompt: withChoices(`We send you updates by ${CHANNEL_NAMES[profile.preferredChannel]} now. How would you like us to contact you?`, channels),
        retryPrompt: withChoices('I can contact you by text message, web chat or phone call. Which would you like?', channels),
      };
    case 'paperlessBill':
      return {
        prompt: withChoices(`Paperless billing is ${profile.paperlessBill ? 'on' : 'off'} now. Turn it on or off?`, ON_OFF),
        retryPrompt: withChoices('Please reply on or off.', ON_OFF),
      };
    case 'marketingTexts':
      return {
        prompt: withChoices(`Marketing texts are ${profile.marketingTexts ? 'on' : 'off'} now. Turn them on or off?`, ON_OFF),
        retryPrompt: withChoices('Please reply on or off.', ON_OFF),
      };
  }
}

function describeChange(change: ProfileChange): string {
  switch (change.field) {
    case 'email':
      return `Change your email to ${change.value}`;
    case 'postalAddress':
      return `Change your postal address to ${formatPostalAddress(change.value)}`;
    case 'preferredChannel':
      return `Send you updates by ${CHANNEL_NAMES[change.value]} from now on`;
    case 'paperlessBill':
      return change.value ? 'Turn paperless billing on (bills by email only)' : 'Turn paperless billing off (bills by post)';
    case 'marketingTexts':
      return change.value ? 'Turn marketing texts on' : 'Turn marketing texts off';
  }
}

function describeDone(change: ProfileChange): string {
  switch (change.field) {
    case 'email':
      return `Your email is now ${change.value}.`;
    case 'postalAddress':
      return `Your postal address is now ${formatPostalAddress(change.value)}.`;
    case 'preferredChannel':
      return `We'll send you updates by ${CHANNEL_NAMES[change.value]}.`;
    case 'paperlessBill':
      return change.value ? 'Paperless billing is now on.' : 'Paperless billing is now off: your bills will come by post.';
    case 'marketingTexts':
      return change.value ? 'Marketing texts are now on. Reply STOP anytime to opt out.' : "You won't get marketing texts from us.";
  }
}
