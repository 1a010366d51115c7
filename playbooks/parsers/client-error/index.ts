/**
 * The pattern table behind `classifyClientError`: one rule per message form, in priority order
 * (most specific first). Each rule has a lower-case literal `key` checked before its regex, so a
 * large paste costs one substring search per rule, and every regex starts with a literal or uses
 * bounded quantifiers (no catastrophic backtracking).
 */
import * as dnsTools from './rules-dns-tools.js';
import * as shellTools from './rules-glibc-and-shell-tools.js';
import * as goAndNode from './rules-go-and-nodejs.js';
import * as runtimes from './rules-java-python-dotnet-ruby.js';
import * as servers from './rules-servers-and-databases.js';
import type { Rule } from './shared.js';

/** Priority order: the first rule that builds a verdict wins, so a family's rules are not contiguous. */
export const RULES: readonly Rule[] = [
  dnsTools.digHeader,
  dnsTools.bindTruncatedTcpFailed,
  servers.corednsErrorsPlugin,
  dnsTools.nslookupCantFind,
  dnsTools.hostNotFound,
  servers.nginxResolver,
  servers.nginxStartup,
  servers.nginxNoResolver,
  goAndNode.goLookup,
  goAndNode.nodeQuery,
  goAndNode.nodeGetaddrinfo,
  goAndNode.nodeConnectDns,
  runtimes.nettyTimeout,
  runtimes.nettyRcode,
  runtimes.dnspythonNxdomain,
  runtimes.dnspythonNoanswer,
  runtimes.dnspythonNonameservers,
  runtimes.dnspythonTimeout,
  runtimes.javaUnknownHost,
  runtimes.dotnetSocket,
  runtimes.dotnetHttp,
  servers.postgres,
  servers.mysql,
  servers.redisCli,
  servers.redisPy,
  runtimes.pythonErrno,
  runtimes.pythonAiohttp,
  runtimes.pythonUrllib3,
  runtimes.rubyGetaddrinfo,
  runtimes.rubyResolv,
  shellTools.php,
  shellTools.curlResolveTimeout,
  shellTools.curlResolve,
  shellTools.wgetResolving,
  shellTools.wgetUnable,
  shellTools.busyboxBadAddress,
  shellTools.pingGai,
  shellTools.pingUnknownHost,
  dnsTools.nslookupGotReply,
  dnsTools.nslookupNoAnswer,
  dnsTools.nslookupBusyboxCantResolve,
  dnsTools.nslookupBusyboxWriteFailed,
  dnsTools.bindCommError,
  dnsTools.bindSetupFailed,
  dnsTools.bindNoServers,
  goAndNode.goTransport,
  goAndNode.goBare,
  shellTools.caresText,
  shellTools.libcText,
  dnsTools.bareRcode,
];
