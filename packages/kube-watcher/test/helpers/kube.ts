import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type KubeConfig,
  type V1PolicyRule,
} from '@kubernetes/client-node';
import { TOOLHIVE_API_GROUP, TOOLHIVE_API_VERSION } from '@vmcp/api';

export type Plural = 'mcpservers' | 'mcpremoteproxies' | 'mcpserverentries' | 'mcpexternalauthconfigs' | 'mcpgroups';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Writes objects into one namespace of a real API server (admin), for integration tests. */
export class Kube {
  readonly co: CustomObjectsApi;
  readonly core: CoreV1Api;
  readonly rbac: RbacAuthorizationV1Api;
  readonly ns: string;

  constructor(kc: KubeConfig, ns: string) {
    this.co = kc.makeApiClient(CustomObjectsApi);
    this.core = kc.makeApiClient(CoreV1Api);
    this.rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    this.ns = ns;
  }

  #ref(plural: Plural, version = TOOLHIVE_API_VERSION) {
    return { group: TOOLHIVE_API_GROUP, version, namespace: this.ns, plural };
  }

  /** Creates a custom resource; `status` (if any) is written through the status subresource afterwards. */
  async create(
    plural: Plural,
    kind: string,
    name: string,
    spec: Record<string, unknown>,
    status?: Record<string, unknown>,
    version = TOOLHIVE_API_VERSION,
  ): Promise<void> {
    await this.co.createNamespacedCustomObject({
      ...this.#ref(plural, version),
      body: { apiVersion: `${TOOLHIVE_API_GROUP}/${version}`, kind, metadata: { name }, spec },
    });
    if (status) await this.setStatus(plural, name, status);
  }

  /** Creates the Role `vmcp` with `rules` and binds it to the user `user`. */
  async grantRole(user: string, rules: V1PolicyRule[]): Promise<void> {
    await this.rbac.createNamespacedRole({ namespace: this.ns, body: { metadata: { name: 'vmcp' }, rules } });
    await this.rbac.createNamespacedRoleBinding({
      namespace: this.ns,
      body: {
        metadata: { name: 'vmcp' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'vmcp' },
        subjects: [{ kind: 'User', name: user, apiGroup: 'rbac.authorization.k8s.io' }],
      },
    });
  }

  /** Replaces the rules of the Role `vmcp` (see {@link grantRole}). */
  async setRoleRules(rules: V1PolicyRule[]): Promise<void> {
    await this.rbac.replaceNamespacedRole({ name: 'vmcp', namespace: this.ns, body: { metadata: { name: 'vmcp' }, rules } });
  }

  async patchSpec(plural: Plural, name: string, spec: Record<string, unknown>): Promise<void> {
    await this.co.patchNamespacedCustomObject({ ...this.#ref(plural), name, body: { spec } }, merge);
  }

  async setStatus(plural: Plural, name: string, status: Record<string, unknown>): Promise<void> {
    await this.co.patchNamespacedCustomObjectStatus({ ...this.#ref(plural), name, body: { status } }, merge);
  }

  async delete(plural: Plural, name: string): Promise<void> {
    await this.co.deleteNamespacedCustomObject({ ...this.#ref(plural), name });
  }

  /** All objects of a plural, as the API server holds them. */
  async list(plural: Plural): Promise<{ metadata: { name: string } }[]> {
    const res = (await this.co.listNamespacedCustomObject({ ...this.#ref(plural) })) as { items: { metadata: { name: string } }[] };
    return res.items;
  }

  async putSecret(name: string, data: Record<string, string>): Promise<void> {
    const body = { metadata: { name }, stringData: data };
    try {
      await this.core.replaceNamespacedSecret({ name, namespace: this.ns, body });
    } catch {
      await this.core.createNamespacedSecret({ namespace: this.ns, body });
    }
  }

  async putConfigMap(name: string, data: Record<string, string>): Promise<void> {
    const body = { metadata: { name }, data };
    try {
      await this.core.replaceNamespacedConfigMap({ name, namespace: this.ns, body });
    } catch {
      await this.core.createNamespacedConfigMap({ namespace: this.ns, body });
    }
  }
}

/** An MCPServer spec in `group`. */
export function serverSpec(group: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { image: 'example/mcp:latest', transport: 'streamable-http', proxyPort: 8080, groupRef: { name: group }, ...extra };
}

export function proxySpec(group: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    remoteUrl: 'https://remote.example.com/mcp',
    transport: 'streamable-http',
    proxyPort: 8080,
    groupRef: { name: group },
    ...extra,
  };
}

export function entrySpec(group: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { remoteUrl: 'https://mcp.example.com/mcp', transport: 'streamable-http', groupRef: { name: group }, ...extra };
}
