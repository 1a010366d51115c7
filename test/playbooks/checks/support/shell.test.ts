import { describe, expect, it } from 'vitest';
import {
  isK8sName,
  onNode,
  safeLabels,
  safeName,
  selectorText,
  shq,
} from '../../../../playbooks/checks/support/shell.js';

describe('support/shell', () => {
  it.each([
    ['coredns-5d78c9869d-abcde', true],
    ['node-a.eu-west-1.compute.internal', true],
    ['Node-A', false],
    ['-leading', false],
    ['a b', false],
    ['x;reboot', false],
    ['$(reboot)', false],
    ['line\nbreak', false],
    ['', false],
    ['a'.repeat(254), false],
  ])('isK8sName(%j) is %s', (name, expected) => {
    expect(isK8sName(name)).toBe(expected);
  });

  it('refuses names that are not Kubernetes names, rather than quoting them', () => {
    expect(safeName('coredns', 'fallback')).toBe('coredns');
    expect(safeName('core dns; rm -rf /', 'coredns')).toBe('coredns');
    expect(safeName(undefined, 'kube-system')).toBe('kube-system');
  });

  it('quotes shell words that are not plain', () => {
    expect(shq('api.example.net')).toBe('api.example.net');
    expect(shq("$(rm -rf /)'x")).toBe(`'$(rm -rf /)'\\''x'`);
    expect(shq('')).toBe(`''`);
    expect(shq('50%')).toBe(`'50%'`);
  });

  it('drops control characters before quoting', () => {
    expect(shq('api\u001b[2J.example.net')).toBe(`'api[2J.example.net'`);
    expect(shq('a\nb')).toBe('ab');
  });

  it('keeps only labels that are safe unquoted, and joins them for -l', () => {
    const labels = safeLabels({
      'k8s-app': 'kube-dns',
      'app.kubernetes.io/name': 'coredns',
      bad: 'x y',
      'x;y': 'z',
    });
    expect(labels).toEqual({ 'k8s-app': 'kube-dns', 'app.kubernetes.io/name': 'coredns' });
    expect(selectorText(labels)).toBe('k8s-app=kube-dns,app.kubernetes.io/name=coredns');
    expect(safeLabels(undefined)).toEqual({});
  });

  it('runs a command on a node through a debug pod', () => {
    expect(onNode('node-a', 'conntrack -S')).toBe(
      'kubectl debug node/node-a -it --profile=sysadmin --image=nicolaka/netshoot -- conntrack -S',
    );
  });
});
