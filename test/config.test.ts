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
    expect(config.staff).toMatchObject({ sessionIdleMs: 3_600_000, sessionMaxMs: 43_200_000, lockoutAttempts: 5, lockoutMs: 900_000 });
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

  it('tells whoever still sets DEV_OPEN_STAFF_API that staff sign in now', () => {
    expect(() => loadConfig({ DEV_OPEN_STAFF_API: 'true' })).toThrow(/DEV_OPEN_STAFF_API was removed: staff routes need a staff sign-in/);
  });

  it('tells whoever still sets VOICE_AGENT_HOURS_* that calls follow the agent desk’s staffed hours', () => {
    expect(() => loadConfig({ VOICE_AGENT_HOURS_START: '08:00', VOICE_AGENT_HOURS_END: '20:00' })).toThrow(/VOICE_AGENT_HOURS_START was removed: calls follow AGENT_STAFFED_HOURS[\s\S]*VOICE_AGENT_HOURS_END was removed/);
  });

  it('reads the staff settings, refusing bad ones', () => {
    const config = loadConfig({ STAFF_SESSION_IDLE: '15m', STAFF_LOCKOUT_ATTEMPTS: '3', STAFF_AGENT_APPROVAL_LIMIT: '75.50' });
    expect(config.staff.sessionIdleMs).toBe(900_000);
    expect(config.staff.lockoutAttempts).toBe(3);
    expect(config.staff.approvalLimits).toMatchObject({ agent: '75.50', supervisor: '1000.00', admin: '1000.00' });
    expect(() => loadConfig({ STAFF_SESSION_MAX: 'forever', STAFF_LOCKOUT_ATTEMPTS: '0' })).toThrow(/STAFF_SESSION_MAX[\s\S]*STAFF_LOCKOUT_ATTEMPTS/);
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
    expect(problems.join('\n')).toMatch(/DEV_OPEN_STAFF_API was removed/);
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

  it('lists every rule between variables at once', () => {
    const problems = configProblems({ NODE_ENV: 'production', TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef', NETWORK_MODE: 'http' });
    expect(problems).toEqual([
      'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER must be set together',
      'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER are required in production',
      'PUBLIC_BASE_URL is required in production (Twilio signs requests with it)',
      'WEBCHAT_TOKEN_SECRET is required in production (it signs web chat tokens; use the same value on every instance)',
      'NETWORK_BASE_URL is required when NETWORK_MODE=http',
    ]);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
      TWILIO_AUTH_TOKEN: 'secret-token-123',
      TWILIO_PHONE_NUMBER: '+15557770000',
      PUBLIC_BASE_URL: 'https://bot.example.com',
      WEBCHAT_TOKEN_SECRET: 'x'.repeat(32),
    });
    expect(config.env).toBe('production');
    expect(config.webchat.userTokenSecret).toBeUndefined();
    expect(config.webchat.allowedOrigins).toEqual(['https://bot.example.com']);
  });

  it('lists each bad item of a list variable, beside other bad variables', () => {
    const problems = configProblems({ NETWORK_SIM_FAILURES: 'provision:transient=0.1,bogus,activate:fault=0.5', SLA_MAJOR: 'a day', QUIET_HOURS_END: '25:00' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/NETWORK_SIM_FAILURES: "bogus" is not a failure rule/);
    expect(problems.join('\n')).toMatch(/NETWORK_SIM_FAILURES: "activate:fault=0.5" is not a failure rule/);
    expect(problems.join('\n')).toMatch(/SLA_MAJOR: must be a duration/);
    expect(problems.join('\n')).toMatch(/QUIET_HOURS_END: must be a time of day/);
  });

  it('reads the network, SLA and quiet hours settings into their parts', () => {
    const config = loadConfig({
      NETWORK_MODE: 'http',
      NETWORK_BASE_URL: 'https://network.example.com/',
      NETWORK_SIM_LATENCY_MS: 'provision=300,activate=200',
      NETWORK_SIM_FAILURES: 'activate.tv:permanent=1',
      SLA_CRITICAL: '90m',
      QUIET_HOURS_START: '10:00',
      QUIET_HOURS_END: '10:00',
    });
    expect(config.network.http.baseUrl).toBe('https://network.example.com');
    expect(config.network.simulator.latencyMs).toEqual({ provision: 300, activate: 200 });
    expect(config.network.simulator.failures).toEqual([{ step: 'activate', serviceType: 'tv', kind: 'permanent', rate: 1 }]);
    expect(config.sla.bySeverity).toEqual({ critical: 90 * 60_000, major: 24 * 3_600_000, minor: 72 * 3_600_000 });
    expect(config.quietHours).toBeNull();
    expect(loadConfig({}).quietHours).toEqual({ startMinute: 21 * 60, endMinute: 8 * 60 });
  });
});

function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return error instanceof ConfigError ? error.problems : [];
  }
}
