import os from 'node:os';
import type { MachineInfo } from './results.ts';

/**
 * The machine description the report must carry: CPU, cores, memory, Node, the control-plane versions, and the load
 * average when it was read (a shared machine's figures are only as good as how busy it was).
 */
export function machineInfo(versions: { kubeApiServer: string; etcd: string }): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    kubeApiServer: versions.kubeApiServer,
    etcd: versions.etcd,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
