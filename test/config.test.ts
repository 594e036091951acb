import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/app/config/index.ts';

describe('loadConfig', () => {
  it('runs with no settings: embedded database, Twilio sandbox, port 3000', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.twilio.sandbox).toBe(true);
    expect(config.twilio.apiBaseUrl).toBe('http://localhost:3000/dev/twilio');
    expect(config.twilio.validateSignatures).toBe(true);
    expect(config.devOpenStaffApi).toBe(false);
  });

  it('lists every bad field at once', () => {
    try {
      loadConfig({ PORT: 'eighty', REDIS_URL: 'localhost:6379', TWILIO_PHONE_NUMBER: '555-1234', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = error instanceof Error ? error.message : '';
      for (const field of ['PORT', 'REDIS_URL', 'TWILIO_PHONE_NUMBER', 'DATABASE_URL']) expect(message).toContain(field);
    }
  });

  it('trusts the published development web chat secrets only in the sandbox', () => {
    const sandbox = loadConfig({});
    expect(sandbox.webchat.userTokenSecret).toMatch(/^dev-/);
    const twilio = {
      TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
      TWILIO_AUTH_TOKEN: 'a-real-auth-token',
      TWILIO_PHONE_NUMBER: '+15557770000',
    };
    const withNumber = loadConfig(twilio);
    // User tokens stay off, and Direct Line tokens are signed with a secret of the process's own.
    expect(withNumber.webchat.userTokenSecret).toBeUndefined();
    expect(withNumber.webchat.tokenSecret).not.toBe(sandbox.webchat.tokenSecret);
    expect(withNumber.webchat.tokenSecret).not.toBe(loadConfig(twilio).webchat.tokenSecret);
    const configured = loadConfig({ ...twilio, WEBCHAT_TOKEN_SECRET: 'x'.repeat(32), WEBCHAT_USER_TOKEN_SECRET: 'y'.repeat(32) });
    expect(configured.webchat).toMatchObject({ tokenSecret: 'x'.repeat(32), userTokenSecret: 'y'.repeat(32) });
  });

  it('requires Twilio settings together', () => {
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef' })).toThrow(/must be set together/);
  });

  it('refuses development switches and missing settings in production', () => {
    const problems = (() => {
      try {
        loadConfig({ NODE_ENV: 'production', TWILIO_SKIP_SIGNATURE_CHECK: 'true', DEV_OPEN_STAFF_API: 'true' });
        return [];
      } catch (error) {
        return error instanceof ConfigError ? error.problems : [];
      }
    })();
    expect(problems.join('\n')).toMatch(/TWILIO_SKIP_SIGNATURE_CHECK cannot be used in production/);
    expect(problems.join('\n')).toMatch(/DEV_OPEN_STAFF_API cannot be used in production/);
    expect(problems.join('\n')).toMatch(/required in production/);
    expect(problems.join('\n')).toMatch(/PUBLIC_BASE_URL is required/);
  });

  it('uses a configured Twilio account and the real API', () => {
    const config = loadConfig({
      TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
      TWILIO_AUTH_TOKEN: 'secret-token-123',
      TWILIO_PHONE_NUMBER: '+15557770000',
      PUBLIC_BASE_URL: 'https://bot.example.com/',
    });
    expect(config.twilio.sandbox).toBe(false);
    expect(config.twilio.apiBaseUrl).toBeUndefined();
    expect(config.http.publicBaseUrl).toBe('https://bot.example.com');
  });
});
