import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, it } from 'vitest';

// The import direction rules of .dependency-cruiser.cjs, run over the product (src and dialogs),
// and over a fixture that breaks each rule once, so a rule that stopped matching is noticed too.

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixture/', import.meta.url));

let options: ICruiseOptions;

beforeAll(async () => {
  options = await extractDepcruiseOptions(`${root}.dependency-cruiser.cjs`);
});

async function violations(baseDir: string, paths: string[]): Promise<string[]> {
  const tsConfig = extractTSConfig(`${root}tsconfig.json`);
  const result = await cruise(paths, { ...options, baseDir }, {}, { tsConfig });
  if (typeof result.output === 'string') throw new Error('dependency-cruiser returned a report, not a result');
  return describeViolations(result.output);
}

function describeViolations(result: ICruiseResult): string[] {
  return result.summary.violations.map((violation: IViolation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`).sort();
}

// Parsing every module takes a few seconds, many more on a busy machine.
describe('dependency rules', { timeout: 120_000 }, () => {
  it('every import in src and dialogs points the allowed way', async () => {
    const found = await violations(root, ['src', 'dialogs']);
    // One line per wrong import, named by the rule it breaks (the rule's comment in .dependency-cruiser.cjs says why).
    expect(found, `Imports pointing the wrong way:\n${found.join('\n')}`).toEqual([]);
  });

  it('the rules catch each wrong import of a fixture laid out as the real folders', async () => {
    const found = await violations(fixture, ['src', 'dialogs', 'test']);
    expect(found).toEqual(
      [
        'background-work-never-imports-http: src/queues/q.ts → src/http/h.ts',
        'dialogs-see-only-services-and-domain-values: dialogs/d.ts → src/queues/q.ts',
        'domain-imports-nothing-outward: src/domain/x.ts → src/app/config/y.ts',
        'lib-is-self-contained: src/lib/l.ts → src/network/n.ts',
        'no-folder-cycles: src/bot → src/nlu',
        'no-folder-cycles: src/nlu → src/bot',
        'only-the-app-loads-settings: src/domain/x.ts → src/app/config/y.ts',
        'only-the-cli-imports-the-app: src/http/h.ts → src/app/service.ts',
        'production-code-never-imports-tests: src/channels/c.ts → test/support/t.ts',
        'sandbox-only-from-app-cli-and-tests: src/gateway/g.ts → src/sandbox/s.ts',
      ].sort(),
    );
  });
});
