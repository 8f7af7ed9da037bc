import type { Command } from 'commander';
import type { InfoResponse } from '../../../api/types/system.js';
import { humanSize } from '../../../lib/duration.js';
import { engine, out } from '../../context.js';
import { renderOne } from '../../format/render.js';

function textInfo(i: InfoResponse): string {
  const lines = [
    'Server:',
    ` Containers: ${i.Containers}`,
    `  Running: ${i.ContainersRunning}`,
    `  Paused: ${i.ContainersPaused}`,
    `  Stopped: ${i.ContainersStopped}`,
    ` Images: ${i.Images}`,
    ` Server Version: ${i.ServerVersion}`,
    ` Storage Driver: ${i.Driver}`,
    ` Logging Driver: ${i.LoggingDriver}`,
    ` Cgroup Driver: ${i.CgroupDriver}`,
    ` Cgroup Version: ${i.CgroupVersion}`,
    ` Plugins:`,
    `  Volume: ${i.Plugins.Volume.join(' ')}`,
    `  Network: ${i.Plugins.Network.join(' ')}`,
    `  Log: ${i.Plugins.Log.join(' ')}`,
    ` Runtimes: ${Object.keys(i.Runtimes).join(' ')}`,
    ` Default Runtime: ${i.DefaultRuntime}`,
    ` Live Restore Enabled: ${i.LiveRestoreEnabled}`,
    ` Kernel Version: ${i.KernelVersion}`,
    ` Operating System: ${i.OperatingSystem}`,
    ` OSType: ${i.OSType}`,
    ` Architecture: ${i.Architecture}`,
    ` CPUs: ${i.NCPU}`,
    ` Total Memory: ${humanSize(i.MemTotal)}`,
    ` Name: ${i.Name}`,
    ` ID: ${i.ID}`,
    ` Docker Root Dir: ${i.DockerRootDir}`,
    ` Debug Mode: ${i.Debug}`,
    ` Experimental: ${i.ExperimentalBuild}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function infoCommand(parent: Command): void {
  parent
    .command('info')
    .description('Display system-wide information')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(async (flags: { format?: string }) => {
      const info = await engine().info();
      out(flags.format ? `${renderOne(flags.format, info)}\n` : textInfo(info));
    });
}
