/** What the numbers were measured on: printed at the top and saved with the results. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverage: number[];
  node: string;
  platform: string;
  gitCommit: string | undefined;
  gitDirty: boolean | undefined;
}

export function machineInfo(repoRoot: string): MachineInfo {
  let gitCommit: string | undefined;
  let gitDirty: boolean | undefined;
  try {
    gitCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    gitDirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8' })
        .length > 0;
  } catch {
    // Not a git checkout: leave undefined.
  }
  return {
    cores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    gitCommit,
    gitDirty,
  };
}

export function describeMachine(m: MachineInfo): string {
  const git = m.gitCommit ? `, commit ${m.gitCommit}${m.gitDirty ? ' (uncommitted changes)' : ''}` : '';
  return [
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB RAM, ${m.platform}`,
    `Node ${m.node}, load average ${m.loadAverage.join(' / ')} (1/5/15 min)${git}`,
  ].join('\n');
}
