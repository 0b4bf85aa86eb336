/**
 * Secret rotation: a ready MCPServer uses a header-injection auth config whose value lives in a Secret. Each
 * rotation writes a new value; "ours" is the time from the API server's answer to the registry event whose backend
 * carries the new value (the watcher watches Secrets metadata-only and re-reads the value directly); the baseline
 * is the time to the metadata-only watch event for that Secret. Both observe the same rotations.
 */
import { errorMessage } from '@vmcp/core';
import { MCPExternalAuthConfigResource, MCPServerResource, SecretResource } from '@vmcp/api';
import { listAll, watchFrom } from '../baseline/bare-client.ts';
import { headerInjectionAuth, mcpServer, readyStatus, secret } from '../fixtures.ts';
import { createObject, patchObject } from '@vmcp/kube-watcher/testing';
import { resourceVersionOf } from '../kube/objects.ts';
import { figure, type PhaseResult } from '../report/results.ts';
import { summarize } from '../stats.ts';
import { startWatcher } from '../system-under-test.ts';
import { prepareNamespace } from './namespace.ts';
import { BENCH_GROUP, now, sleep, within, type BenchContext } from './context.ts';

export interface RotationParams {
  rotations: number;
  /** Pause between rotations, so each is measured alone. */
  gapMs: number;
  /** A rotation not reflected within this long fails the phase. */
  timeoutMs: number;
}

const SECRET = 'rotating-key';
const KEY = 'token';
const SERVER = 'rotating-server';

/** The header value the registry currently serves for the server (a secret: compared, never printed). */
function servedValue(backend: { authConfig?: { headerInjection?: { headerValue?: string } } } | undefined): string | undefined {
  return backend?.authConfig?.headerInjection?.headerValue;
}

export async function secretRotationPhase(ctx: BenchContext, p: RotationParams): Promise<PhaseResult> {
  const result: PhaseResult = { phase: 'Secret rotation', params: { rotations: p.rotations }, figures: [] };
  try {
    const ns = await ctx.cp.createNamespace('bench-rotation');
    await prepareNamespace(ctx.client, ns, { placeholderSecret: true });
    const value = (i: number): string => `bench-value-${i}-${Math.random().toString(36).slice(2)}`;
    await createObject(ctx.client, SecretResource, ns, secret(SECRET, { [KEY]: value(0) }));
    await createObject(ctx.client, MCPExternalAuthConfigResource, ns, headerInjectionAuth('rotating-auth', SECRET, KEY));
    await createObject(ctx.client, MCPServerResource, ns, mcpServer(SERVER, BENCH_GROUP, { authConfig: 'rotating-auth' }));
    await patchObject(ctx.client, MCPServerResource, ns, SERVER, readyStatus(SERVER), { subresource: 'status' });

    const secretTarget = { resource: SecretResource, metadataOnly: true };
    const { resourceVersion } = await listAll(ctx.client, ns, secretTarget);
    // resourceVersion → arrival: the event can arrive before the write's answer is processed.
    const secretEvents = new Map<string, number>();
    const handle = await watchFrom(ctx.client, ns, secretTarget, resourceVersion, (event) => {
      const md = event.object['metadata'] as { name?: string; resourceVersion?: string } | undefined;
      if (event.type === 'MODIFIED' && md?.name === SECRET && md.resourceVersion !== undefined) secretEvents.set(md.resourceVersion, now());
    });
    handle.done.catch(() => undefined);

    const w = await startWatcher({ kubeConfig: ctx.cp.kubeConfig, namespace: ns, groupRef: BENCH_GROUP });
    const ours: number[] = [];
    const base: number[] = [];
    try {
      await within(
        (async () => {
          while (w.registry.get(SERVER) === undefined) await sleep(20);
        })(),
        p.timeoutMs,
        `the registry never served ${SERVER}`,
      );
      for (let i = 1; i <= p.rotations; i++) {
        const next = value(i);
        let oursSeen: number | undefined;
        const unsubscribe = w.registry.subscribe((e) => {
          if (e.type === 'upsert' && e.backend.id === SERVER && servedValue(e.backend) === next) oursSeen ??= now();
        });
        const answer = await patchObject(ctx.client, SecretResource, ns, SECRET, { stringData: { [KEY]: next } });
        const ack = now();
        const rv = resourceVersionOf(answer);
        const deadline = ack + p.timeoutMs;
        while ((oursSeen === undefined || !secretEvents.has(rv)) && now() < deadline) await sleep(5);
        const baselineSeen = secretEvents.get(rv);
        unsubscribe();
        if (oursSeen === undefined) throw new Error(`rotation ${i}: the registry did not serve the new value within ${p.timeoutMs} ms`);
        ours.push(oursSeen - ack);
        if (baselineSeen !== undefined) base.push(baselineSeen - ack);
        await sleep(p.gapMs);
      }
    } finally {
      handle.close();
      await w.stop();
    }
    const o = summarize(ours);
    const b = base.length > 0 ? summarize(base) : undefined;
    result.figures.push(
      figure('Secret write ack → re-resolved backend (ours) / → watch event (baseline), p50', 'ms', o.p50, b?.p50 ?? null),
      figure('same, max', 'ms', o.max, b?.max ?? null, '≤ 2000 ms'),
    );
    result.detail = { oursMs: ours, baselineMs: base };
  } catch (err) {
    result.error = errorMessage(err);
  }
  return result;
}
