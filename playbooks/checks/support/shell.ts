/**
 * Words for the commands a remedy prints. Kubernetes names are checked and refused when they are
 * not valid names (then a fallback stands in); other words (DNS names, images) are quoted.
 */

/** A Kubernetes object name (DNS subdomain): lowercase, digits, `-` and `.`, nothing a shell reads. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const PLAIN_WORD = /^[A-Za-z0-9_./:@=,+-]+$/;
const LABEL_KEY = /^[\w./-]+$/;
const LABEL_VALUE = /^[\w.-]*$/;

export function isK8sName(name: string | undefined): name is string {
  return name !== undefined && K8S_NAME.test(name);
}

/** A Kubernetes name safe to paste into a command, else the fallback (an invalid name is refused, not quoted). */
export function safeName(name: string | undefined, fallback: string): string {
  return isK8sName(name) ? name : fallback;
}

/** A word for a shell command: control characters dropped, bare when plainly safe, else single-quoted. */
export function shq(word: string): string {
  const clean = word.replace(/[\u0000-\u001f\u007f]/g, '');
  return PLAIN_WORD.test(clean) ? clean : `'${clean.replaceAll("'", `'\\''`)}'`;
}

/** The labels that can go into a command or a quoted JSON patch unquoted: no shell or JSON metacharacters. */
export function safeLabels(labels: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels ?? {}).filter(([k, v]) => LABEL_KEY.test(k) && LABEL_VALUE.test(v)),
  );
}

/** `k8s-app=kube-dns,tier=dns`: labels as a `-l` selector. */
export function selectorText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** A command run in the host network of `node` through an ephemeral debug pod. */
export function onNode(node: string, command: string, image = 'nicolaka/netshoot'): string {
  return `kubectl debug node/${shq(node)} -it --profile=sysadmin --image=${image} -- ${command}`;
}
