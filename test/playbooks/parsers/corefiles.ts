/*
 * Real default Corefiles, as each installer writes them (indentation kept, quirks included).
 * Reused by parser, query and check tests: treat them as read-only data.
 * Sources: kubeadm cmd/kubeadm/app/phases/addons/dns/manifests.go; EKS coredns add-on ConfigMap;
 * AKS kube-system/coredns (coredns/coredns#7090, AKS release notes 2024-10); Alibaba ACK docs
 * "default configuration file used by CoreDNS"; k3s manifests/coredns.yaml; Kubernetes
 * cluster/addons/dns/nodelocaldns/nodelocaldns.yaml.
 */

/** kubeadm for Kubernetes 1.22 to 1.31 (CoreDNS 1.8.4 to 1.11.3). */
export const KUBEADM = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

/** kubeadm at its current manifests.go: the cache no longer keeps cluster-domain answers. */
export const KUBEADM_CURRENT = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
`;

/** kubeadm for Kubernetes 1.12 (CoreDNS 1.2.2): the old proxy plugin and `upstream`, no ready. */
export const KUBEADM_PROXY_ERA = `.:53 {
    errors
    health
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       upstream
       fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    proxy . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
`;

/** EKS coredns add-on; the lameduck block really is indented like this. */
export const EKS = `.:53 {
    errors
    health {
        lameduck 5s
      }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
`;

/** AKS: edits go to coredns-custom, imported as custom/*.override and custom/*.server. */
export const AKS = `.:53 {
    errors
    ready
    health {
      lameduck 5s
    }
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
      ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
    import custom/*.override
    template ANY ANY internal.cloudapp.net {
      match "^(?:[^.]+\\.){4,}internal\\.cloudapp\\.net\\.$"
      rcode NXDOMAIN
      fallthrough
    }
    template ANY ANY reddog.microsoft.com {
      rcode NXDOMAIN
    }
}
import custom/*.server
`;

/** An AKS coredns-custom `*.override` entry that makes reload fail before CoreDNS 1.9.4. */
export const AKS_OVERRIDE_SECOND_FORWARD = `forward . 10.1.2.3
`;

/** Alibaba Cloud ACK (CoreDNS 1.6.2 and later): query log on, pods verified, UDP to the VPC DNS. */
export const ACK = `.:53 {
    errors
    log
    health {
       lameduck 15s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods verified
      fallthrough in-addr.arpa ip6.arpa
      ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
      prefer_udp
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

/** k3s: node names from the NodeHosts key, customisation from coredns-custom. */
export const K3S = `.:53 {
    errors
    health
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    hosts /etc/coredns/NodeHosts {
      ttl 60
      reload 15s
      fallthrough
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
    import /etc/coredns/custom/*.override
}
import /etc/coredns/custom/*.server
`;

/** NodeLocal DNSCache as published upstream, every placeholder still in place. */
export const NODELOCAL_TEMPLATE = `__PILLAR__DNS__DOMAIN__:53 {
    errors
    cache {
            success 9984 30
            denial 9984 5
    }
    reload
    loop
    bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__
    forward . __PILLAR__CLUSTER__DNS__ {
            force_tcp
    }
    prometheus :9253
    health __PILLAR__LOCAL__DNS__:8080
    }
in-addr.arpa:53 {
    errors
    cache 30
    reload
    loop
    bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__
    forward . __PILLAR__CLUSTER__DNS__ {
            force_tcp
    }
    prometheus :9253
    }
ip6.arpa:53 {
    errors
    cache 30
    reload
    loop
    bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__
    forward . __PILLAR__CLUSTER__DNS__ {
            force_tcp
    }
    prometheus :9253
    }
.:53 {
    errors
    cache 30
    reload
    loop
    bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__
    forward . __PILLAR__UPSTREAM__SERVERS__
    prometheus :9253
    }
`;

/**
 * NodeLocal DNSCache ConfigMap as installed (iptables mode): domain, link-local address and
 * kube-dns IP substituted; node-cache fills the last two placeholders when it starts.
 */
export const NODELOCAL = `cluster.local:53 {
    errors
    cache {
            success 9984 30
            denial 9984 5
    }
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . __PILLAR__CLUSTER__DNS__ {
            force_tcp
    }
    prometheus :9253
    health 169.254.20.10:8080
    }
in-addr.arpa:53 {
    errors
    cache 30
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . __PILLAR__CLUSTER__DNS__ {
            force_tcp
    }
    prometheus :9253
    }
ip6.arpa:53 {
    errors
    cache 30
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . __PILLAR__CLUSTER__DNS__ {
            force_tcp
    }
    prometheus :9253
    }
.:53 {
    errors
    cache 30
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . __PILLAR__UPSTREAM__SERVERS__
    prometheus :9253
    }
`;

/** What node-cache actually runs: the kube-dns-upstream ClusterIP and the node's resolv.conf. */
export const NODELOCAL_RENDERED = `cluster.local:53 {
    errors
    cache {
            success 9984 30
            denial 9984 5
    }
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . 10.96.148.217 {
            force_tcp
    }
    prometheus :9253
    health 169.254.20.10:8080
    }
in-addr.arpa:53 {
    errors
    cache 30
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . 10.96.148.217 {
            force_tcp
    }
    prometheus :9253
    }
ip6.arpa:53 {
    errors
    cache 30
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . 10.96.148.217 {
            force_tcp
    }
    prometheus :9253
    }
.:53 {
    errors
    cache 30
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . /etc/resolv.conf
    prometheus :9253
    }
`;

export interface CorefileFixture {
  name: string;
  text: string;
  /** The cluster domain the kubernetes plugin serves; undefined where there is none (NodeLocal). */
  clusterDomain: string | undefined;
  servers: number;
}

/** Every default above, for it.each tables. */
export const DEFAULT_COREFILES: readonly CorefileFixture[] = [
  { name: 'kubeadm', text: KUBEADM, clusterDomain: 'cluster.local', servers: 1 },
  { name: 'kubeadm-current', text: KUBEADM_CURRENT, clusterDomain: 'cluster.local', servers: 1 },
  { name: 'kubeadm-proxy-era', text: KUBEADM_PROXY_ERA, clusterDomain: 'cluster.local', servers: 1 },
  { name: 'eks', text: EKS, clusterDomain: 'cluster.local', servers: 1 },
  { name: 'aks', text: AKS, clusterDomain: 'cluster.local', servers: 1 },
  { name: 'ack', text: ACK, clusterDomain: 'cluster.local', servers: 1 },
  { name: 'k3s', text: K3S, clusterDomain: 'cluster.local', servers: 1 },
  { name: 'nodelocal-template', text: NODELOCAL_TEMPLATE, clusterDomain: undefined, servers: 4 },
  { name: 'nodelocal', text: NODELOCAL, clusterDomain: undefined, servers: 4 },
  { name: 'nodelocal-rendered', text: NODELOCAL_RENDERED, clusterDomain: undefined, servers: 4 },
];
