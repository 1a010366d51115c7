/**
 * What every gatherer gets: the reader, the target, the clock, the deadline, and `once`, which
 * computes a shared source (the kube-system Services, the CoreDNS pods...) a single time however
 * many gatherers need it.
 */
import type { Target } from '../../playbooks/model/evidence.js';
import type { ClusterReader } from '../k8s/types.js';

export interface GatherContext {
  reader: ClusterReader;
  target: Target;
  /** The moment of observation: `sinceSeconds` windows and "recent" are judged against it. */
  now: Date;
  deadline: AbortSignal;
  deadlineMs: number;
  requestTimeoutMs: number;
  prometheusUrl?: string;
  /** The nameserver IP pods get, when something (a probe) has read it; else found by labels. */
  nameserverIp?: string;
  once<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

export function memo(): GatherContext['once'] {
  const cache = new Map<string, Promise<unknown>>();
  return <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    let p = cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = compute();
      cache.set(key, p);
    }
    return p;
  };
}
