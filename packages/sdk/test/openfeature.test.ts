import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';
import { OpenFeature as WebOpenFeature } from '@openfeature/web-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { decide, type ConfigSnapshot, type ExperimentDefinition } from '../src/index.js';
import { LiftProvider, LiftWebProvider } from '../src/openfeature/index.js';
import { FakeLiftServer, waitFor } from './support/fake-lift-server.js';

const checkout: ExperimentDefinition = {
  key: 'checkout-button',
  status: 'running',
  coverage: 10_000,
  variants: [
    { key: 'control', weight: 5000, payload: { position: 'bottom' } },
    { key: 'moved', weight: 5000, payload: { position: 'top' } },
  ],
  targeting: { platform: 'iOS' },
  overrides: { 'qa-1': 'moved' },
};
const paused: ExperimentDefinition = { ...checkout, key: 'paused-test', status: 'paused' };
const flag: ExperimentDefinition = {
  ...checkout,
  key: 'dark-mode',
  targeting: {},
  variants: [
    { key: 'off', weight: 5000, payload: false },
    { key: 'on', weight: 5000, payload: true },
  ],
};
const config: ConfigSnapshot = { version: 1, experiments: [checkout, paused, flag] };

describe('LiftProvider with the OpenFeature server SDK', () => {
  let server: FakeLiftServer;

  afterAll(async () => {
    await ServerOpenFeature.close();
    await server?.stop();
  });

  it('evaluates strings as variant keys, objects as payloads, with mapped reasons, and tracks conversions', async () => {
    server = await new FakeLiftServer(config).start();
    await ServerOpenFeature.setProviderAndWait(
      new LiftProvider({ serverUrl: server.url, sdkKey: server.sdkKey, refresh: 'none', flushIntervalMs: 20 }),
    );
    const client = ServerOpenFeature.getClient();
    const context = { targetingKey: 'u-7', platform: 'iOS' };
    const expected = decide(checkout, { userId: 'u-7', platform: 'iOS' });

    const string = await client.getStringDetails('checkout-button', 'fallback', context);
    expect(string).toMatchObject({ value: expected.variant, variant: expected.variant, reason: 'SPLIT' });
    const object = await client.getObjectDetails('checkout-button', {}, context);
    expect(object.value).toEqual(expected.payload);

    expect(
      await client.getStringDetails('checkout-button', 'fallback', { targetingKey: 'qa-1', platform: 'iOS' }),
    ).toMatchObject({ value: 'moved', reason: 'TARGETING_MATCH' });
    expect(
      await client.getStringDetails('checkout-button', 'fallback', { targetingKey: 'u-7', platform: 'Android' }),
    ).toMatchObject({ value: 'control', reason: 'DEFAULT' });
    expect(await client.getStringDetails('paused-test', 'fallback', context)).toMatchObject({
      value: 'control',
      reason: 'DISABLED',
    });
    expect(await client.getStringDetails('no-such-test', 'fallback', context)).toMatchObject({
      value: 'fallback',
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(await client.getNumberDetails('checkout-button', 3, context)).toMatchObject({
      value: 3,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
    const onOff = decide(flag, { userId: 'u-7' });
    expect(await client.getBooleanValue('dark-mode', false, context)).toBe(onOff.payload);

    client.track('purchase', { targetingKey: 'u-7' }, { value: 42.5, currency: 'USD' });
    await waitFor(() => [...server.events.values()].some((e) => e.type === 'conversion'));
    expect([...server.events.values()].find((e) => e.type === 'conversion')).toMatchObject({
      name: 'purchase',
      unit: 'u-7',
      value: 42.5,
      properties: { currency: 'USD' },
    });
    expect([...server.events.values()].filter((e) => e.type === 'exposure').map((e) => e.unit)).toContain('u-7');
  });
});

describe('LiftWebProvider with the OpenFeature web SDK', () => {
  afterAll(async () => {
    await WebOpenFeature.close();
  });

  it('evaluates synchronously from the static context', async () => {
    await WebOpenFeature.setContext({ targetingKey: 'u-9', platform: 'iOS' });
    await WebOpenFeature.setProviderAndWait(new LiftWebProvider({ config }));
    const client = WebOpenFeature.getClient();
    const expected = decide(checkout, { userId: 'u-9', platform: 'iOS' });
    expect(client.getStringDetails('checkout-button', 'fallback')).toMatchObject({
      value: expected.variant,
      reason: 'SPLIT',
    });
    expect(client.getObjectValue('checkout-button', {})).toEqual(expected.payload);
  });
});
