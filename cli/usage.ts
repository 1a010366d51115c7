/** The help text, for `dnsmedic help` and Slack's `/dns help`. */

export const USAGE = `Usage: dnsmedic <command> [options]

Commands:
  diagnose <namespace>/<pod>   The guide's whole walk for one client pod: pod DNS config, CoreDNS,
                               logs, NodeLocal, kube-proxy, node; then the verdict and the fixes
  diagnose --cluster           The cluster-wide part only (CoreDNS, kube-proxy, NodeLocal, upstream)
  diagnose --node <name>       One node's part (NodeLocal, kube-proxy, conntrack, load)
  check <domain> [--server IP[:port]] [--from <namespace>/<pod>]
                               Query a name over UDP and TCP, N times, against a server (default:
                               the nameservers of /etc/resolv.conf): answers, codes, latency. With
                               --from, from a probe pod on that pod's node with its DNS settings
                               (creates a pod), and the glibc and musl walks of the name
  explain "<error message>"    What a client's DNS error means and the guide's next step
                               (the message may also come on standard input)
  logs [file|-]                Summarise a CoreDNS log (Step 3 of the guide); - reads standard input:
                               kubectl logs -n kube-system -l k8s-app=kube-dns --timestamps | dnsmedic logs -
  probe --spec <json>          Run a probe spec where dnsmedic runs (what a probe pod does) and print
                               its report: one line, DNSMEDIC-PROBE-REPORT <json>
  scenarios                    The simulator scenarios shipped with dnsmedic
  sim serve <scenario.yaml>    Run the cluster simulator and write a kubeconfig for any client
  help                         This text
  version                      The dnsmedic version

Options:
  --output text|json|markdown  Output format (default text)
  --domain NAME                diagnose: the name that fails to resolve
  --kubeconfig PATH            diagnose: kubeconfig file (default $KUBECONFIG, ~/.kube/config, in-cluster)
  --context NAME               diagnose: kubeconfig context
  --scenario FILE              diagnose: run against the simulator loaded from a scenario file
  --prometheus-url URL         diagnose: node-exporter facts (conntrack, CPU, retransmissions)
  --probes pod|local|off       diagnose: where DNS probes run: short-lived probe pods on the client's
                               and a CoreDNS node (creates pods), this machine, or nowhere
                               (default: off against a cluster, pod with --scenario)
  --probe-namespace NAME       diagnose: namespace of the probe pods (default dnsmedic-probes)
  --probe-image IMAGE          diagnose: image of the probe pods (dnsmedic's own)
  --probe-host-network         diagnose: let a hostNetwork client get a hostNetwork probe pod
  --node-probe                 diagnose: also a privileged probe pod on the client's node that reads
                               its conntrack table and kernel log (needs --probes pod)
  --cluster-domain NAME        logs: cluster domain (default cluster.local)
  --server IP[:port]           check: the DNS server to ask (repeatable)
  --count N                    check: queries per transport (default 5, at most 1000)
  --timeout MS                 check: per-query timeout in milliseconds (default 2000)
  --from NAMESPACE/POD         check: ask from a probe pod placed like this pod (with --kubeconfig,
                               --context, --scenario, --probe-namespace, --probe-image)

Exit codes: 0 done, nothing wrong; 1 a fault was found; 2 bad input; 3 internal error;
130 stopped by Ctrl-C (probe pods are deleted first).`;
