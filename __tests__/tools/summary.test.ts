import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { startWarmFunction } from '../../tools/local/artifact';
import { formatSummary, functionLogLines, type InvocationSummary } from '../../tools/local/summary';

const directory = mkdtempSync(join(tmpdir(), 'summary-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A deployment package whose handler module is `source`. */
function zipOf(source: string): string {
  const zip = new AdmZip();
  zip.addFile('index.js', Buffer.from(source));
  const file = join(directory, `${Math.random().toString(36).slice(2)}.zip`);
  zip.writeZip(file);
  return file;
}

/** An execution environment running `source`, closed when the test ends. */
async function environmentOf(source: string) {
  const environment = await startWarmFunction({
    zipFile: zipOf(source),
    handler: 'index.handler',
    functionName: 'fn',
    environment: {},
  });
  onTestFinished(() => environment.close());
  return environment;
}

async function invoke(source: string) {
  return (await environmentOf(source)).invoke();
}

const passed: InvocationSummary = {
  stack: 'method2-sample',
  statusCode: 200,
  body: 'Succeeded',
  upstreamSawToken: true,
  durationMs: 12,
  ok: true,
  logLines: ['{"level":"info","message":"Upstream API accepted the request"}'],
};

describe('startWarmFunction', () => {
  it('keeps what the handler module holds between invocations, as a warm Lambda environment does', async () => {
    const environment = await environmentOf(
      'let calls = 0; exports.handler = async () => ({ statusCode: 200, body: String((calls += 1)) });',
    );
    const bodies = [(await environment.invoke()).body, (await environment.invoke()).body];
    expect(bodies).toEqual(['1', '2']);
  });

  it('gives the handler the time left before the function timeout', async () => {
    const invocation = await invoke(
      'exports.handler = async (_event, context) => ({ statusCode: 200, body: String(context.getRemainingTimeInMillis()) });',
    );
    expect(Number(invocation.body)).toBeGreaterThan(0);
    expect(Number(invocation.body)).toBeLessThanOrEqual(10_000);
  });

  it('answers 502 to every invocation after an init error', async () => {
    const environment = await environmentOf("throw new Error('init failed');");
    const statuses = [(await environment.invoke()).statusCode, (await environment.invoke()).statusCode];
    expect(statuses).toEqual([502, 502]);
  });

  it("logs a handler's init error as Lambda does, by type and message, and answers 502", async () => {
    const invocation = await invoke(
      "throw Object.assign(new Error('ENCRYPTED_API_TOKEN must be base64-encoded KMS ciphertext'), { name: 'ConfigurationError' });",
    );
    expect(invocation).toMatchObject({ statusCode: 502, functionError: true });
    expect(functionLogLines(invocation.output)).toEqual([
      '{"errorType":"ConfigurationError","errorMessage":"ENCRYPTED_API_TOKEN must be base64-encoded KMS ciphertext"}',
    ]);
  });

  it("answers with the handler's response", async () => {
    await expect(
      invoke("exports.handler = async () => ({ statusCode: 503, body: 'Secret not provisioned' });"),
    ).resolves.toMatchObject({
      statusCode: 503,
      body: 'Secret not provisioned',
      functionError: false,
    });
  });
});

describe('formatSummary', () => {
  it('prints a table of every invocation', () => {
    expect(formatSummary([passed])).toBe(
      'stack           status  body       upstream saw the token  time\n' +
        'method2-sample  200     Succeeded  yes                     12 ms\n',
    );
  });

  it('adds what a function that did not pass logged, which holds the reason', () => {
    const failed: InvocationSummary = {
      ...passed,
      stack: 'method1-sample',
      statusCode: 503,
      body: 'Secret not provisioned',
      upstreamSawToken: false,
      ok: false,
      logLines: ['{"level":"warn","message":"Secret not provisioned: run `npm run secret -- set method1-sample`"}'],
    };
    expect(formatSummary([failed, passed])).toContain(
      'method1-sample logged:\n  {"level":"warn","message":"Secret not provisioned: run `npm run secret -- set method1-sample`"}\n',
    );
  });

  it('says so when a function that did not pass logged nothing', () => {
    expect(formatSummary([{ ...passed, ok: false, logLines: [] }])).toContain('method2-sample logged nothing\n');
  });
});

describe('functionLogLines', () => {
  it('keeps the JSON lines and drops the rest, such as runtime warnings', () => {
    expect(functionLogLines('(node:1) Warning: something\n{"level":"info"}\nplain text\n')).toEqual([
      '{"level":"info"}',
    ]);
  });
});
