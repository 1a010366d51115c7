import { describe, expect, it } from 'vitest';
import type { DaemonSet, Node, Pod, Service } from '../../playbooks/model/k8s.js';
import { parseCorefile } from '../../playbooks/parsers/corefile.js';
import { parseAskedName } from '../../workers/gather/asked-name.js';
import { versionFromImage } from '../../workers/gather/coredns.js';
import { earlierNonQueryLines } from '../../workers/gather/coredns-logs.js';
import { configMapVolume, kubeDnsDomain } from '../../workers/gather/corefile.js';
import { detectProvider, pickDnsService } from '../../workers/gather/dns-service.js';
import { isK3sNode, modeFromConfig, normaliseMode } from '../../workers/gather/kube-proxy.js';
import { inferLibc } from '../../workers/gather/libc.js';
import { seriesOfNode } from '../../workers/gather/node-facts.js';
import { listenAddresses } from '../../workers/gather/node-local.js';
import { cpuMillis, memoryBytes } from '../../workers/gather/quantity.js';
import { imageTag, selectorString } from '../../workers/gather/support.js';
import { flagValue } from '../../workers/gather/system.js';
import { podUsage } from '../../workers/gather/usage.js';

const svc = (name: string, ip: string, labels?: Record<string, string>): Service => ({
  metadata: { name, namespace: 'kube-system', ...(labels ? { labels } : {}) },
  spec: { clusterIP: ip, clusterIPs: ip === 'None' ? [] : [ip] },
});

describe('finding the cluster DNS Service', () => {
  const services = [
    svc('metrics-server', '10.96.1.5'),
    svc('kube-dns-upstream', '10.96.0.11', { 'k8s-app': 'kube-dns' }),
    svc('custom-dns', '10.43.0.10', { 'k8s-app': 'kube-dns' }),
    svc('kube-dns', '10.96.0.10'),
  ];

  it('picks the Service whose clusterIP pods get as nameserver', () => {
    expect(pickDnsService(services, '10.43.0.10')?.metadata.name).toBe('custom-dns');
  });

  it('falls back to names and labels when the IP is unknown or matches none (NodeLocal address)', () => {
    expect(pickDnsService(services)?.metadata.name).toBe('kube-dns');
    expect(pickDnsService(services, '169.254.20.10')?.metadata.name).toBe('kube-dns');
    expect(pickDnsService(services.slice(0, 3))?.metadata.name).toBe('custom-dns');
    expect(pickDnsService([svc('rke2-coredns-rke2-coredns', '10.43.0.10')])?.metadata.name).toBe(
      'rke2-coredns-rke2-coredns',
    );
  });

  it('never picks a headless Service, nor NodeLocal upstream alone', () => {
    expect(pickDnsService([svc('kube-dns', 'None'), services[1] as Service])).toBeUndefined();
  });

  it('tells GKE kube-dns from CoreDNS by containers and reads its --domain', () => {
    const kubeDns = {
      metadata: { name: 'kube-dns-1' },
      spec: {
        containers: [
          { name: 'kubedns', args: ['--domain=corp.example.', '--dns-port=10053'] },
          { name: 'dnsmasq' },
        ],
      },
    } as unknown as Pod;
    const coredns = { metadata: { name: 'c' }, spec: { containers: [{ name: 'coredns' }] } } as Pod;
    expect(detectProvider([kubeDns])).toBe('kube-dns');
    expect(detectProvider([coredns])).toBe('coredns');
    expect(kubeDnsDomain([kubeDns])).toBe('corp.example');
  });
});

describe('names the user asks about', () => {
  it.each([
    ['web.shop.svc.cluster.local', { kind: 'cluster', service: 'web', namespace: 'shop' }],
    [
      'web-0.web.shop.svc.cluster.local.',
      { kind: 'cluster', host: 'web-0', service: 'web', namespace: 'shop' },
    ],
    ['WEB.shop.svc', { kind: 'cluster', service: 'web', namespace: 'shop' }],
    ['redis', { kind: 'cluster', service: 'redis', namespace: 'app' }],
    ['10-244-1-5.shop.pod.cluster.local', { kind: 'cluster' }],
    ['api.example.com', { kind: 'external' }],
    ['web.shop', { kind: 'external', service: 'web', namespace: 'shop', ifNamespace: true }],
  ])('%s', (name, parsed) => {
    expect(parseAskedName(name, 'cluster.local', 'app')).toEqual(parsed);
  });

  it('uses the real cluster domain, not cluster.local', () => {
    expect(parseAskedName('web.shop.svc.corp.example', 'corp.example')).toMatchObject({ service: 'web' });
    expect(parseAskedName('web.shop.svc.cluster.local', undefined)).toMatchObject({ service: 'web' });
  });
});

describe('quantities', () => {
  it.each([
    ['95m', 95],
    ['1', 1000],
    ['0.5', 500],
    ['250000n', 0.25],
    ['1500u', 1.5],
    ['2e-1', 200],
    ['lots', undefined],
  ])('cpu %s = %s millicores', (q, m) => expect(cpuMillis(q)).toBe(m));

  it.each([
    ['170Mi', 170 * 2 ** 20],
    ['1G', 1e9],
    ['128974848', 128974848],
    ['1e3', 1000],
    ['12Ki', 12288],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['', undefined],
  ])('memory %s = %s bytes', (q, b) => expect(memoryBytes(q)).toBe(b));
});

describe('usage against limits', () => {
  const pod = (name: string, resources: object[]): Pod =>
    ({
      metadata: { name },
      spec: { nodeName: 'node-b', containers: resources.map((r, i) => ({ name: `c${i}`, resources: r })) },
    }) as Pod;

  it('sums containers, and leaves a limit out when any container has none', () => {
    const pods = [
      pod('a', [{ limits: { cpu: '200m', memory: '170Mi' } }, { limits: { cpu: '50m' } }]),
      pod('b', [{}]),
    ];
    const metrics = [
      {
        name: 'a',
        containers: [
          { name: 'c0', cpu: '10m', memory: '10Mi' },
          { name: 'c1', cpu: '1m', memory: '1Mi' },
        ],
      },
      { name: 'gone', containers: [] },
    ];
    expect(podUsage(pods, metrics)).toEqual([
      { pod: 'a', node: 'node-b', cpuMillis: 11, memoryBytes: 11 * 2 ** 20, cpuLimitMillis: 250 },
    ]);
  });
});

describe('images, flags and config files', () => {
  it.each([
    ['registry.k8s.io/coredns/coredns:v1.11.3', '1.11.3'],
    ['602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/coredns:v1.11.1-eksbuild.4', '1.11.1'],
    ['rancher/hardened-coredns:v1.11.1-build20240305', '1.11.1'],
    ['localhost:5000/coredns', undefined],
    ['coredns@sha256:abc', undefined],
  ])('version of %s is %s', (image, version) => expect(versionFromImage(image)).toBe(version));

  it('reads tags past a registry port', () => {
    expect(imageTag('localhost:5000/coredns:1.2.3@sha256:ff')).toBe('1.2.3');
    expect(imageTag('localhost:5000/coredns')).toBeUndefined();
  });

  it.each([
    ['nginx:1.27-alpine', 'musl'],
    ['python:3.12-alpine3.19', 'musl'],
    ['gcr.io/distroless/static-debian12', 'glibc'],
    ['ubuntu:24.04', 'glibc'],
    ['node:20-bookworm-slim', 'glibc'],
    ['alpine.example.com/team/app:1.0', 'unknown'],
    ['nginx:1.27', 'unknown'],
  ])('libc of %s is %s (inferred)', (image, libc) => {
    expect(inferLibc(image)).toEqual({ libc, inferred: true, image });
  });

  it('finds the ConfigMap a container mounts its file from', () => {
    const spec = {
      volumes: [
        { name: 'custom', configMap: { name: 'coredns-custom' } },
        {
          name: 'config-volume',
          configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] },
        },
      ],
    };
    expect(configMapVolume(spec, 'Corefile')).toEqual({ name: 'coredns', key: 'Corefile' });
    expect(
      configMapVolume({ volumes: [{ name: 'kp', configMap: { name: 'kube-proxy' } }] }, 'config.conf'),
    ).toEqual({
      name: 'kube-proxy',
      key: 'config.conf',
    });
    expect(configMapVolume({ volumes: [{ name: 'tmp' }] }, 'Corefile')).toBeUndefined();
  });

  it('reads flags written either way', () => {
    expect(flagValue(['--proxy-mode=ipvs'], 'proxy-mode')).toBe('ipvs');
    expect(flagValue(['-localip', '169.254.20.10,10.96.0.10'], 'localip')).toBe('169.254.20.10,10.96.0.10');
    expect(flagValue(['--v=2'], 'proxy-mode')).toBeUndefined();
  });

  it('reads the kube-proxy mode, empty meaning iptables', () => {
    expect(modeFromConfig('kind: KubeProxyConfiguration\nmode: ""\n')).toBe('iptables');
    expect(modeFromConfig('mode: ipvs\nipvs:\n  scheduler: rr\n')).toBe('ipvs');
    expect(modeFromConfig('mode: nftables')).toBe('nftables');
    expect(modeFromConfig('mode: [broken')).toBe('unknown');
    expect(normaliseMode('kernelspace')).toBe('unknown');
  });

  it('recognises k3s nodes', () => {
    const node = (kubeletVersion: string, labels: Record<string, string> = {}): Node => ({
      metadata: { name: 'n', labels },
      status: { nodeInfo: { kubeletVersion } },
    });
    expect(isK3sNode(node('v1.30.4+k3s1'))).toBe(true);
    expect(isK3sNode(node('v1.30.4', { 'k3s.io/hostname': 'n' }))).toBe(true);
    expect(isK3sNode(node('v1.30.4'))).toBe(false);
  });

  it('matches node-exporter series to a node by instance or node label', () => {
    expect(seriesOfNode({ instance: '10.0.1.11:9100' }, 'node-a', ['10.0.1.11'])).toBe(true);
    expect(seriesOfNode({ instance: 'node-a:9100' }, 'node-a', [])).toBe(true);
    expect(seriesOfNode({ instance: '[fd00::11]:9100' }, 'node-a', ['fd00::11'])).toBe(true);
    expect(seriesOfNode({ instance: '10.0.1.12:9100', node: 'node-b' }, 'node-a', ['10.0.1.11'])).toBe(false);
    expect(seriesOfNode({ node: 'node-a', instance: '10.9.9.9:9100' }, 'node-a', [])).toBe(true);
  });

  it('reads NodeLocal listen addresses from bind, else from -localip', () => {
    const ds = {
      metadata: { name: 'node-local-dns' },
      spec: {
        template: {
          spec: { containers: [{ name: 'node-cache', args: ['-localip', '169.254.20.10,10.96.0.10'] }] },
        },
      },
    } as unknown as DaemonSet;
    const ipvs = parseCorefile('cluster.local:53 {\n    bind 169.254.20.10\n    forward . 10.96.0.11\n}\n');
    expect(listenAddresses(ds, ipvs)).toEqual(['169.254.20.10']);
    expect(listenAddresses(ds, undefined)).toEqual(['169.254.20.10', '10.96.0.10']);
    expect(listenAddresses({ metadata: { name: 'x' } }, undefined)).toEqual([]);
  });

  it('builds selectors with sorted keys', () => {
    expect(selectorString({ 'k8s-app': 'kube-dns', app: 'x' })).toBe('app=x,k8s-app=kube-dns');
  });
});

describe('the wider log window', () => {
  const q = (t: string) => `${t} [INFO] 10.0.0.1:1 - 1 "A IN a.b. udp 1 false 512" NOERROR qr 1 0.001s`;
  const err = (t: string) =>
    `${t} [ERROR] plugin/errors: 2 a.b. A: read udp 1.1.1.1:1->10.0.0.2:53: i/o timeout`;

  it('keeps the non-query lines before the tail', () => {
    const wide = [
      err('2024-08-20T09:00:00Z'),
      q('2024-08-20T09:00:01Z'),
      q('2024-08-20T09:00:02Z'),
      err('2024-08-20T09:00:03Z'),
    ].join('\n');
    const tail = `${q('2024-08-20T09:00:02Z')}\n${err('2024-08-20T09:00:03Z')}\n`;
    expect(earlierNonQueryLines(`${wide}\n`, tail)).toBe(err('2024-08-20T09:00:00Z'));
  });

  it('falls back to times when the tail is not found in the window', () => {
    const wide = [err('2024-08-20T09:00:00Z'), err('2024-08-20T09:00:05Z')].join('\n');
    expect(earlierNonQueryLines(wide, `${q('2024-08-20T09:00:04Z')}\n`)).toBe(err('2024-08-20T09:00:00Z'));
  });
});
