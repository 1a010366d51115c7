/**
 * The explicit, ordered registry of checks: one per failure-catalog row, in catalog order.
 * No directory scanning: adding a check means adding it here, and a test holds the two in step.
 */
import type { Check } from '../model/check.js';
import { check as clientGlibcAaaaRace } from './client-glibc-aaaa-race.js';
import { check as clientMuslResolver } from './client-musl-resolver.js';
import { check as corednsApiserverUnreachable } from './coredns-apiserver-unreachable.js';
import { check as corednsAutopathEnabled } from './coredns-autopath-enabled.js';
import { check as corednsCorefileParseError } from './coredns-corefile-parse-error.js';
import { check as corednsLoadUnbalanced } from './coredns-load-unbalanced.js';
import { check as corednsLoopDetected } from './coredns-loop-detected.js';
import { check as corednsMaxConcurrentExceeded } from './coredns-max-concurrent-exceeded.js';
import { check as corednsNoPods } from './coredns-no-pods.js';
import { check as corednsOverloaded } from './coredns-overloaded.js';
import { check as corednsPodsNotReady } from './coredns-pods-not-ready.js';
import { check as corednsQueryLogDisabled } from './coredns-query-log-disabled.js';
import { check as corednsRbacEndpointslices } from './coredns-rbac-endpointslices.js';
import { check as corednsReloadFailed } from './coredns-reload-failed.js';
import { check as corednsServiceNoEndpoints } from './coredns-service-no-endpoints.js';
import { check as dnsIntermittent } from './dns-intermittent.js';
import { check as dnsProviderKubeDns } from './dns-provider-kube-dns.js';
import { check as kubeProxyIpvsUdpStale } from './kube-proxy-ipvs-udp-stale.js';
import { check as kubeProxyNotRunning } from './kube-proxy-not-running.js';
import { check as networkCorednsPodUnreachable } from './network-coredns-pod-unreachable.js';
import { check as networkKubeDnsServiceUnreachable } from './network-kube-dns-service-unreachable.js';
import { check as networkPolicyBlocksDns } from './network-policy-blocks-dns.js';
import { check as networkUdp53Blocked } from './network-udp53-blocked.js';
import { check as nodeClientOverloaded } from './node-client-overloaded.js';
import { check as nodeConntrackFull } from './node-conntrack-full.js';
import { check as nodelocalAlpineParallel } from './nodelocal-alpine-parallel.js';
import { check as nodelocalNotInjected } from './nodelocal-not-injected.js';
import { check as nodelocalNotRunning } from './nodelocal-not-running.js';
import { check as nodelocalPrivatezonePreferUdp } from './nodelocal-privatezone-prefer-udp.js';
import { check as podDnsPolicyDefault } from './pod-dns-policy-default.js';
import { check as podDnsPolicyHostnetwork } from './pod-dns-policy-hostnetwork.js';
import { check as podNameserverNotClusterDns } from './pod-nameserver-not-cluster-dns.js';
import { check as podNdotsAmplification } from './pod-ndots-amplification.js';
import { check as podResolvConfLimits } from './pod-resolv-conf-limits.js';
import { check as serviceHeadlessOldCoredns } from './service-headless-old-coredns.js';
import { check as serviceHeadlessTruncated } from './service-headless-truncated.js';
import { check as serviceNotFound } from './service-not-found.js';
import { check as serviceTolerateUnreadyAnnotation } from './service-tolerate-unready-annotation.js';
import { check as statefulsetServiceNameMismatch } from './statefulset-service-name-mismatch.js';
import { check as upstreamErrorRcode } from './upstream-error-rcode.js';
import { check as upstreamUnreachable } from './upstream-unreachable.js';

export const CHECKS: readonly Check[] = [
  podDnsPolicyHostnetwork,
  podDnsPolicyDefault,
  podNameserverNotClusterDns,
  podResolvConfLimits,
  podNdotsAmplification,
  clientMuslResolver,
  clientGlibcAaaaRace,
  corednsNoPods,
  corednsPodsNotReady,
  corednsServiceNoEndpoints,
  corednsCorefileParseError,
  corednsReloadFailed,
  corednsLoopDetected,
  corednsApiserverUnreachable,
  corednsRbacEndpointslices,
  corednsOverloaded,
  corednsLoadUnbalanced,
  corednsMaxConcurrentExceeded,
  corednsAutopathEnabled,
  corednsQueryLogDisabled,
  upstreamErrorRcode,
  upstreamUnreachable,
  nodelocalPrivatezonePreferUdp,
  serviceNotFound,
  serviceHeadlessOldCoredns,
  serviceHeadlessTruncated,
  serviceTolerateUnreadyAnnotation,
  statefulsetServiceNameMismatch,
  networkPolicyBlocksDns,
  networkKubeDnsServiceUnreachable,
  networkCorednsPodUnreachable,
  networkUdp53Blocked,
  kubeProxyNotRunning,
  kubeProxyIpvsUdpStale,
  dnsIntermittent,
  nodeConntrackFull,
  nodeClientOverloaded,
  nodelocalNotRunning,
  nodelocalNotInjected,
  nodelocalAlpineParallel,
  dnsProviderKubeDns,
];
