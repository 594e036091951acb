import { describe, expect, it } from 'vitest';
import { parseServiceType, SERVICE_TYPES } from '../../src/domain/service-types.ts';

describe('service types', () => {
  it('lists the Prisma enum in the order customers see it', () => {
    expect(SERVICE_TYPES).toEqual(['internet', 'mobile', 'tv', 'landline']);
  });

  it('reads only an exact service type', () => {
    expect(parseServiceType('tv')).toBe('tv');
    expect(parseServiceType('TV')).toBeUndefined();
    expect(parseServiceType('cable')).toBeUndefined();
    expect(parseServiceType(undefined)).toBeUndefined();
  });
});
