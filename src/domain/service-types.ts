import { ServiceType } from '../generated/prisma/enums.ts';

// The kinds of service sold, from the Prisma enum: its declared order (internet, mobile, tv,
// landline) is the order customers see services listed in.

export const SERVICE_TYPES: readonly ServiceType[] = Object.values(ServiceType);

/** The service type a value names exactly ("tv"), if it is one: for entity values and stored choices. */
export function parseServiceType(value: string | undefined): ServiceType | undefined {
  return SERVICE_TYPES.find((type) => type === value);
}
