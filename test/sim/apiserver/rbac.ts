/**
 * RBAC as the API server applies it, for one subject, from manifests (deploy/rbac.yaml): the
 * simulator can then refuse every request those permissions do not allow, so a test proves the
 * worker needs nothing more than it declares. Roles count only in their binding's namespace;
 * ClusterRoles bound by a ClusterRoleBinding count everywhere. resourceNames are not modelled.
 */
import { parseAllDocuments } from 'yaml';
import type { RequestAttributes } from './faults.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

interface Grant {
  rules: Rule[];
  /** Undefined: everywhere (a ClusterRoleBinding). */
  namespace?: string;
}

interface Manifest {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  rules?: Partial<Rule>[];
  roleRef?: { kind?: string; name?: string };
  subjects?: { kind?: string; name?: string; namespace?: string }[];
}

export class RbacPolicy {
  private constructor(private readonly grants: Grant[]) {}

  /** The permissions `manifests` give the ServiceAccount `namespace/name`. */
  static forServiceAccount(manifests: string, namespace: string, name: string): RbacPolicy {
    const docs = parseAllDocuments(manifests).map((d) => (d.toJS() ?? {}) as Manifest);
    const roles = new Map<string, Rule[]>();
    for (const d of docs) {
      if (d.kind !== 'Role' && d.kind !== 'ClusterRole') continue;
      const key = `${d.kind}/${d.kind === 'Role' ? `${d.metadata?.namespace}/` : ''}${d.metadata?.name}`;
      roles.set(
        key,
        (d.rules ?? []).map((r) => ({
          apiGroups: r.apiGroups ?? [],
          resources: r.resources ?? [],
          verbs: r.verbs ?? [],
        })),
      );
    }
    const grants: Grant[] = [];
    for (const d of docs) {
      if (d.kind !== 'RoleBinding' && d.kind !== 'ClusterRoleBinding') continue;
      const bound = (d.subjects ?? []).some(
        (s) => s.kind === 'ServiceAccount' && s.name === name && s.namespace === namespace,
      );
      if (!bound) continue;
      const ref = d.roleRef ?? {};
      const where = d.kind === 'RoleBinding' ? d.metadata?.namespace : undefined;
      // A RoleBinding always lives in a namespace; without one it grants nothing (never everything).
      if (d.kind === 'RoleBinding' && !where) continue;
      const key = ref.kind === 'Role' ? `Role/${where}/${ref.name}` : `ClusterRole/${ref.name}`;
      grants.push({ rules: roles.get(key) ?? [], ...(where ? { namespace: where } : {}) });
    }
    return new RbacPolicy(grants);
  }

  allows(r: RequestAttributes): boolean {
    const resource = r.subresource ? `${r.plural}/${r.subresource}` : r.plural;
    return this.grants.some(
      (g) =>
        (g.namespace === undefined || (!r.clusterWide && g.namespace === r.namespace)) &&
        g.rules.some(
          (rule) =>
            (rule.apiGroups.includes(r.group) || rule.apiGroups.includes('*')) &&
            (rule.resources.includes(resource) || rule.resources.includes('*')) &&
            (rule.verbs.includes(r.verb) || rule.verbs.includes('*')),
        ),
    );
  }
}
