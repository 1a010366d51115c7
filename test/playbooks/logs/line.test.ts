import { describe, expect, it } from 'vitest';
import { parseLine } from '../../../playbooks/logs/line.js';
import * as L from './samples.js';

describe('parseLine', () => {
  it.each([
    ['1.6.3+', L.QUERY_1_6_3, 'shop.prod.svc.cluster.local.', 'NOERROR', 'qr,aa,rd', undefined],
    [
      '1.2.6-1.6.2 prefix',
      L.QUERY_1_5,
      'shop.prod.svc.cluster.local.',
      'NOERROR',
      'qr,aa,rd',
      '2019-07-19T08:24:57.565Z',
    ],
    [
      '1.2.5 CLF',
      L.QUERY_1_2_5,
      'shop.prod.svc.cluster.local.',
      'NOERROR',
      'qr,aa,rd',
      '2018-09-07T15:29:11Z',
    ],
    [
      'kubectl --timestamps',
      L.KUBECTL_TS + L.QUERY_SERVFAIL,
      'api.example.net.',
      'SERVFAIL',
      'qr,rd',
      '2026-11-26T09:15:02.123456789Z',
    ],
    [
      'kubectl + 1.2.6 era',
      L.KUBECTL_TS + L.QUERY_1_5,
      'shop.prod.svc.cluster.local.',
      'NOERROR',
      'qr,aa,rd',
      '2026-11-26T09:15:02.123456789Z',
    ],
    [
      'IPv6 client, SRV over TCP',
      L.QUERY_IPV6_SRV,
      '_grpc._tcp.api.prod.svc.cluster.local.',
      'NOERROR',
      'qr,aa,rd',
      undefined,
    ],
    ['no response', L.QUERY_TIMEOUT, 'cdn.example.org.', 'NOERROR', '-', undefined],
  ])('reads a query line (%s)', (_era, line, qname, rcode, flags, at) => {
    const p = parseLine(line);
    expect(p).toMatchObject({ kind: 'query', qname, rcode, flags });
    expect(p.at).toBe(at);
  });

  it.each([
    [L.ERR_UPSTREAM_TIMEOUT, '192.0.2.53:53', true, 'api.example.net.'],
    [L.ERR_LOOP_PROBE, '192.0.2.53:53', true, '1234567890.987654321.'],
    [L.ERR_PROXY, '192.0.2.77:53', true, 'api.corp.example.'],
  ])('reads an errors-plugin line: %s', (line, upstream, timeout, qname) => {
    expect(parseLine(line)).toMatchObject({ kind: 'upstream-error', upstream, timeout, qname });
  });

  it.each([
    [L.PARSE_ERROR, 'parse-error', 'ready'],
    [L.LOOP, 'loop', '127.0.0.1:51384 -> :53'],
    [L.RELOAD_FAILED, 'reload-failed', undefined],
    [L.RELOAD_OK, 'reload-ok', undefined],
    [L.RELOAD_OK_MD5, 'reload-ok', undefined],
    [L.UNSYNCED, 'unsynced-api', undefined],
    [L.FORBIDDEN, 'api-forbidden', 'endpointslices.discovery.k8s.io'],
    [L.KLOG_REFUSED, 'api-unreachable', '10.96.0.1:443'],
    [L.READY_OLD, 'not-ready', undefined],
    [L.READY_NEW, 'not-ready', undefined],
    [L.MAX_CONCURRENT, 'max-concurrent', expect.stringContaining('concurrent queries exceeded')],
    [L.NO_HEALTHY, 'no-healthy-proxies', undefined],
    [L.KUBECTL_TS + L.LOOP, 'loop', '127.0.0.1:51384 -> :53'],
  ])('reads an event line: %s', (line, event, detail) => {
    expect(parseLine(line)).toMatchObject({ kind: 'event', event, detail });
  });

  it('counts a 1.10+ failed list once: the INFO twin is known, the ERROR line the event', () => {
    const tail =
      'pkg/mod/k8s.io/client-go@v0.29.3/tools/cache/reflector.go:229: failed to list *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:kube-system:coredns" cannot list resource "endpointslices"';
    expect(parseLine(`[INFO] plugin/kubernetes: ${tail}`).kind).toBe('known');
    expect(parseLine(`${L.KUBECTL_TS}[INFO] ${tail}`).kind).toBe('known');
    expect(
      parseLine(
        `[ERROR] plugin/kubernetes: ${tail.replace(': failed', ': Failed to watch *v1.EndpointSlice: failed')}`,
      ),
    ).toMatchObject({
      kind: 'event',
      event: 'api-forbidden',
    });
    expect(parseLine(`[WARNING] plugin/kubernetes: ${tail}`)).toMatchObject({
      kind: 'event',
      event: 'api-forbidden',
    });
    expect(parseLine(L.KLOG_REFUSED)).toMatchObject({ kind: 'event', event: 'api-unreachable' });
  });

  it('reads the version banner and knows the platform line', () => {
    expect(parseLine(L.VERSION)).toMatchObject({ kind: 'version', version: '1.11.3' });
    expect(parseLine(L.PLATFORM).kind).toBe('known');
  });

  it.each([
    '',
    'hello world',
    '"quoted" - thing',
    '[INFO',
    '2026-11-26T09:15:02Z',
    '\u0000\u0001binary',
    'x'.repeat(10_000),
  ])('never throws and calls odd input unknown or known: %#', (line) => {
    expect(['unknown', 'known']).toContain(parseLine(line).kind);
  });
});
