import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { INTENTS } from '../../src/nlu/recognizer.ts';

// The classify command is a contract other tools rely on (DESIGN.md): one JSON object per input
// line, exactly these fields, on stdout and nothing else.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const line = z
  .object({
    text: z.string(),
    intent: z.enum(INTENTS),
    confidence: z.number().min(0).max(1),
    entities: z.array(z.object({ type: z.string(), value: z.string() }).strict()),
  })
  .strict();

function runCli(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/nlu.ts', ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('nlu classify', () => {
  it('writes one contract-shaped JSON object per input line, in order', () => {
    const input = ['my wifi is ded since yesterday', 'TT-100001', 'STOP', 'tell me a joke', '', 'change my email to Sam@Example.com'].join('\n');
    const { status, stdout } = runCli(['classify', '--now', '2026-11-27T15:00:00Z'], `${input}\n`);
    expect(status).toBe(0);
    const results = stdout.trimEnd().split('\n').map((text) => line.parse(JSON.parse(text)));
    expect(results.map((result) => result.text)).toEqual(input.split('\n'));
    expect(results.map((result) => result.intent)).toEqual(['ticket.create', 'ticket.status', 'optout', 'none', 'none', 'profile.update']);
    expect(results[0]?.entities).toEqual(
      expect.arrayContaining([
        { type: 'serviceType', value: 'internet' },
        { type: 'date', value: '2026-11-26T15:00:00.000Z' },
      ]),
    );
    expect(results[1]?.entities).toEqual([{ type: 'ticketRef', value: 'TT-100001' }]);
    expect(results[5]?.entities).toContainEqual({ type: 'email', value: 'sam@example.com' });
  });

  it('handles input without a final newline and prints nothing for no input', () => {
    expect(runCli(['classify'], 'hello').stdout.trim().split('\n')).toHaveLength(1);
    expect(runCli(['classify'], '').stdout).toBe('');
  });

  it('rejects an unknown command with usage and exit code 2', () => {
    const { status, stderr } = runCli(['frobnicate']);
    expect(status).toBe(2);
    expect(stderr).toContain('Usage');
  });
});
