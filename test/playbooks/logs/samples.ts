/** Log lines of every era, in each tool's exact format (names and addresses made up). */
export const QUERY_1_6_3 =
  '[INFO] 10.8.1.7:41022 - 3391 "A IN shop.prod.svc.cluster.local. udp 49 false 512" NOERROR qr,aa,rd 92 0.000141s';
export const QUERY_EXPANSION =
  '[INFO] 10.8.1.7:41022 - 3392 "A IN api.example.net.prod.svc.cluster.local. udp 58 false 512" NXDOMAIN qr,aa,rd 151 0.000090s';
export const QUERY_SERVFAIL =
  '[INFO] 10.8.2.3:50110 - 771 "AAAA IN api.example.net. udp 33 false 512" SERVFAIL qr,rd 33 0.002203s';
export const QUERY_TIMEOUT =
  '[INFO] 10.8.2.3:50111 - 772 "A IN cdn.example.org. udp 33 false 512" NOERROR - 0 5.000412s';
export const QUERY_IPV6_SRV =
  '[INFO] [fd00::5]:38811 - 19 "SRV IN _grpc._tcp.api.prod.svc.cluster.local. tcp 71 false 65535" NOERROR qr,aa,rd 210 0.000301s';
export const QUERY_TC =
  '[INFO] 10.8.1.9:5353 - 8 "A IN big.prod.svc.cluster.local. udp 44 false 512" NOERROR qr,aa,tc,rd 508 0.000201s';
export const QUERY_1_2_5 =
  '10.8.1.7:41022 - [07/Sep/2018:15:29:11 +0000] 3391 "A IN shop.prod.svc.cluster.local. udp 49 false 512" NOERROR qr,aa,rd 92 0.000141s';
export const QUERY_1_5 =
  '2019-07-19T08:24:57.565Z [INFO] 10.8.1.7:41022 - 3391 "A IN shop.prod.svc.cluster.local. udp 49 false 512" NOERROR qr,aa,rd 92 0.000141s';
export const KUBECTL_TS = '2026-11-26T09:15:02.123456789Z ';

export const ERR_UPSTREAM_TIMEOUT =
  '[ERROR] plugin/errors: 2 api.example.net. A: read udp 10.8.0.12:51733->192.0.2.53:53: i/o timeout';
export const ERR_LOOP_PROBE =
  '[ERROR] plugin/errors: 2 1234567890.987654321. HINFO: read udp 10.8.0.12:48557->192.0.2.53:53: i/o timeout';
export const ERR_PROXY =
  '[ERROR] plugin/errors: 2 api.corp.example. A: unreachable backend: read udp 10.8.0.12:46620->192.0.2.77:53: i/o timeout';
export const PARSE_ERROR = "/etc/coredns/Corefile:4 - Error during parsing: Unknown directive 'ready'";
export const LOOP =
  '[FATAL] plugin/loop: Loop (127.0.0.1:51384 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 2781022615773629442.4133547885299871809."';
export const RELOAD_FAILED =
  '[ERROR] plugin/reload: Corefile changed but reload failed: starting with listener file descriptors: plugin/forward: this plugin can only be used once per Server Block';
export const RELOAD_OK = '[INFO] plugin/reload: Running configuration SHA512 = 9f0c1d';
export const RELOAD_OK_MD5 =
  '[INFO] plugin/reload: Running configuration MD5 = 4e235fcc3696966e76816bcd9034ebc7';
export const UNSYNCED = '[WARNING] plugin/kubernetes: starting server with unsynced Kubernetes API';
export const FORBIDDEN =
  '[ERROR] plugin/kubernetes: pkg/mod/k8s.io/client-go@v0.27.4/tools/cache/reflector.go:231: Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:kube-system:coredns" cannot list resource "endpointslices" in API group "discovery.k8s.io" at the cluster scope';
export const KLOG_REFUSED =
  'E0612 03:15:09.297602       1 reflector.go:178] pkg/mod/k8s.io/client-go@v0.18.3/tools/cache/reflector.go:125: Failed to list *v1.Service: Get "https://10.96.0.1:443/api/v1/services?limit=500&resourceVersion=0": dial tcp 10.96.0.1:443: connect: connection refused';
export const READY_OLD = '[INFO] plugin/ready: Still waiting on: "kubernetes"';
export const READY_NEW = '[INFO] plugin/ready: Plugins not ready: "kubernetes"';
export const VERSION = 'CoreDNS-1.11.3';
export const PLATFORM = 'linux/amd64, go1.21.11, a6338e9';
export const MAX_CONCURRENT =
  '[ERROR] plugin/errors: 5 api.example.net. A: concurrent queries exceeded maximum 1000';
export const NO_HEALTHY = '[ERROR] plugin/errors: 2 api.example.net. A: no healthy proxies';
