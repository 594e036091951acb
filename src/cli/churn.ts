import { parseArgs } from 'node:util';
import { FEATURE_NAMES } from '../domain/churn/churn-features.ts';
import { pathToFileURL } from 'node:url';
import { CHURN_MODEL, fitChurnModel } from '../domain/churn/churn-model.ts';
import { evaluateOnSyntheticPopulation, type ChurnEvaluation } from '../domain/churn/evaluation.ts';
import { generatePopulation, TRUE_DRIVERS } from '../domain/churn/synthetic-population.ts';

// `npm run --silent churn -- eval|fit`: the churn model against seeded synthetic customers whose
// true churn drivers are known. Features at T, churn within T..T+90 days. `fit` trains on one
// seed and prints the weights (paste them into churn-model.ts); `eval` scores another seed with
// the shipped model and prints AUC, top-decile lift and Brier score, beside the generator's own
// probabilities (the best any model could do) and the base rate alone.

const USAGE = `Usage: npm run --silent churn -- <command> [options]
  eval [--seed test-2026] [--size 20000]     the shipped model on a population it was not fitted on
  fit  [--seed train-2026] [--size 20000]    fit weights on a population; prints them and their held-out scores`;

function formatEvaluation(label: string, evaluation: ChurnEvaluation): string {
  return `${label.padEnd(30)} AUC ${evaluation.auc.toFixed(3)}   top-decile lift ${evaluation.topDecileLift.toFixed(2)}   Brier ${evaluation.brier.toFixed(4)}`;
}

function main(): number {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { seed: { type: 'string' }, size: { type: 'string', default: '20000' }, help: { type: 'boolean', default: false } },
  });
  const [command] = positionals;
  const size = Number(values.size);
  if (values.help || !command || !Number.isInteger(size) || size < 100) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (command === 'eval') {
    const seed = values.seed ?? 'test-2026';
    const result = evaluateOnSyntheticPopulation(seed, size);
    process.stdout.write(
      [
        `churn model ${CHURN_MODEL.version} on synthetic seed "${seed}", ${size} customers, churn in T..T+90d: ${(result.model.churnRate * 100).toFixed(1)}%`,
        formatEvaluation('shipped model', result.model),
        formatEvaluation('generator truth (ceiling)', result.truth),
        formatEvaluation('base rate only', result.baseRate),
        '',
      ].join('\n'),
    );
    return 0;
  }
  if (command === 'fit') {
    const seed = values.seed ?? 'train-2026';
    const model = fitChurnModel(generatePopulation(seed, size), { version: `logit-${seed}` });
    const heldOut = evaluateOnSyntheticPopulation('test-2026', size, model);
    process.stdout.write(`${JSON.stringify(model, null, 2)}\n`);
    process.stdout.write(`${'feature'.padEnd(22)} fitted   true\n`);
    for (const name of FEATURE_NAMES) process.stdout.write(`${name.padEnd(22)} ${model.weights[name].toFixed(3).padStart(6)}  ${(TRUE_DRIVERS[name] ?? 0).toFixed(3).padStart(6)}\n`);
    process.stdout.write(`${formatEvaluation('held out (seed test-2026)', heldOut.model)}\n`);
    return 0;
  }
  process.stdout.write(`${USAGE}\n`);
  return 2;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main();
