// Reads a povc job through @polkadot/api with the RPC definitions in rpc/definitions.json,
// as a JavaScript wallet or dapp would, and checks that token amounts arrive as decimal
// strings (a JSON number loses precision above 2^53 planck).
//
// Usage: node read-job.mjs <ws-url> <job-id>
//
// Prints the job as JSON on stdout (nothing else goes there) and exits 0; exits 1 with a
// message on stderr if the job is missing, an amount is not a decimal string, or the
// node cannot be reached. Run by tests/tests/polkadot_js.rs.

import { readFileSync } from 'node:fs';

import { ApiPromise, WsProvider } from '@polkadot/api';

// @polkadot/api logs through console.log; keep stdout for the job's JSON.
console.log = console.error;
console.info = console.error;

const TIMEOUT_MS = 60_000;

function fail (message) {
  console.error(`read-job: ${message}`);
  process.exit(1);
}

/** The value of `field` in `view` if it is an amount as a decimal string, else fail. */
function amount (view, field, what) {
  const value = view[field];

  if (typeof value !== 'string' || !/^[0-9]+$/.test(value)) {
    fail(`${what}.${field} must be a decimal string to keep u128 precision, got ${typeof value} ${JSON.stringify(value)}`);
  }

  return value;
}

async function main () {
  const [url, idArg] = process.argv.slice(2);

  if (!url || idArg === undefined || !/^[0-9]+$/.test(idArg)) {
    fail('usage: node read-job.mjs <ws-url> <job-id>');
  }

  const rpc = JSON.parse(readFileSync(new URL('../../rpc/definitions.json', import.meta.url), 'utf8'));
  const watchdog = setTimeout(() => fail(`no answer from ${url} within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
  const api = await ApiPromise.create({ noInitWarn: true, provider: new WsProvider(url), rpc, throwOnConnect: true });

  const job = await api.rpc.povc.job(idArg);

  if (job.isNone) {
    await api.disconnect();
    fail(`job ${idArg} not found at ${url}`);
  }

  const view = job.unwrap().toJSON();

  amount(view, 'pricePerFuel', 'job');
  amount(view, 'escrow', 'job');

  // The price goes back as a u128 parameter: a number, or hex when it is too large.
  const estimate = (await api.rpc.povc.estimateCost(view.fuelLimit, view.replicas, view.pricePerFuel, view.maxOutputLen)).toJSON();

  amount(estimate, 'escrow', 'estimateCost');
  amount(estimate, 'maxPayment', 'estimateCost');

  await api.disconnect();
  clearTimeout(watchdog);
  process.stdout.write(`${JSON.stringify(view)}\n`);
}

main().then(
  () => process.exit(0),
  (error) => fail(error instanceof Error ? error.stack : String(error))
);
