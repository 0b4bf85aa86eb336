/** Pinned versions of the control-plane binaries; they must match the wrapper modules under `go/`. */
export const KUBE_APISERVER_VERSION = 'v1.36.3';
/** etcd server version built from `go/etcd`. */
export const ETCD_VERSION = 'v3.6.16';
