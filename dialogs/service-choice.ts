import type { Entity } from '../src/nlu/recognizer.ts';
import { pickChoice } from './choices.ts';
import type { SubscribedService } from './services.ts';
import { capitalise, SERVICE_NAMES } from './wording.ts';

// "Which service?" as the fault report and the cancellation ask it: the customer's services as
// quick replies, and the answer read back by number, by words of its label, or by name ("the tv").

/** "Internet - Fiber 1 Gig". */
export function serviceChoiceLabel(service: SubscribedService): string {
  return `${capitalise(SERVICE_NAMES[service.serviceType])} - ${service.offeringName}`;
}

/** The service an answer picks among `choices`. */
export function chosenService(answer: string, entities: ReadonlyArray<Pick<Entity, 'type' | 'value'>>, choices: SubscribedService[]): SubscribedService | undefined {
  const picked = pickChoice(answer, choices.map(serviceChoiceLabel));
  if (picked !== undefined) return choices[picked];
  const named = entities.find((entity) => entity.type === 'serviceType');
  return choices.find((service) => service.serviceType === named?.value);
}

/** The services a prompt offered, read back from its (plain JSON) validations. */
export function servicesIn(value: unknown): SubscribedService[] {
  return Array.isArray(value) ? value.filter(isSubscribedService) : [];
}

function isSubscribedService(value: unknown): value is SubscribedService {
  return typeof value === 'object' && value !== null && 'productId' in value && 'serviceType' in value;
}

/** "internet", "TV", or "service" when none was chosen. */
export function serviceName(service: SubscribedService | undefined): string {
  return service ? SERVICE_NAMES[service.serviceType] : 'service';
}
