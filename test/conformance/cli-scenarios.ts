/**
 * The CLI scenarios: the same commands run through the docker CLI and berth against berthd, and
 * through the docker CLI against Docker. In arguments, `{p}` is the per-target name prefix,
 * `{img}` the shared busybox image and `{label}` the run's label (`org.berth.conformance={p}`).
 * `setup` and `cleanup` must succeed / are best effort; each step's output is compared (shape.ts).
 */
import type { OutputKind } from './shape.js';

export interface Step {
  args: string[];
  out: OutputKind;
  /** Dotted JSON paths whose (normalized) values must equal Docker's. */
  values?: string[];
  /** JSON paths whose contents are engine-specific. */
  ignore?: string[];
  /** Compare the first line of stderr (normalized) too. */
  error?: boolean;
  input?: string;
  /** A difference from the Docker engine kept on purpose: reported as a note, not a failure. */
  known?: string;
  /** Re-run until stdout matches (e.g. a healthcheck becoming healthy). */
  until?: RegExp;
  /**
   * The API version a flag of this step needs: the docker CLI pinned below it refuses the step
   * itself (`"--workdir" requires API version 1.35…`), so there is no engine answer to compare.
   */
  needs?: string;
}

export interface Scenario {
  name: string;
  setup?: string[][];
  steps: Step[];
  cleanup?: string[][];
}

const RUN_D = (name: string, ...rest: string[]): string[] => ['run', '-d', '--name', `{p}${name}`, '-l', '{label}', ...rest];

/** Engine-specific inspect contents: storage driver data, and fields with host-dependent values. */
const CONTAINER_IGNORE = ['0.GraphDriver.Data', '0.NetworkSettings.SandboxKey'];
const IMAGE_IGNORE = ['0.GraphDriver.Data'];

export const SCENARIOS: Scenario[] = [
  {
    name: 'run: exit code and stdout/stderr kept apart',
    steps: [{ args: ['run', '--rm', '-l', '{label}', '{img}', 'sh', '-c', 'echo out; echo err >&2; exit 3'], out: 'lines' }],
  },
  {
    name: 'run: command not found exits 127',
    steps: [{ args: ['run', '--rm', '-l', '{label}', '{img}', 'no-such-command'], out: 'lines' }],
  },
  {
    name: 'run -i: stdin reaches the container',
    steps: [{ args: ['run', '--rm', '-i', '-l', '{label}', '{img}', 'sh', '-c', 'wc -l'], out: 'lines', input: 'a\nb\nc\n' }],
  },
  {
    name: 'ps: table, --format and -q',
    setup: [RUN_D('web', '-p', '8080', '{img}', 'sleep', '300')],
    steps: [
      { args: ['ps', '--filter', 'label={label}'], out: 'table' },
      { args: ['ps', '-a', '--filter', 'label={label}', '--format', '{{.Names}}|{{.Image}}|{{.Command}}|{{.Status}}|{{.Labels}}'], out: 'lines' },
      { args: ['ps', '-q', '--filter', 'name={p}web'], out: 'lines' },
      {
        args: ['ps', '--no-trunc', '--filter', 'label={label}', '--format', '{{.ID}} {{.Names}} {{.Ports}}'],
        out: 'lines',
        known: 'Docker also publishes on [::] (berth has no IPv6)',
      },
    ],
    cleanup: [['rm', '-f', '{p}web']],
  },
  {
    name: 'container inspect: fields, types and values',
    setup: [
      RUN_D('c', '-e', 'FOO=bar', '-p', '8080', '-v', '{p}cvol:/data', '--restart', 'on-failure:2', '--hostname', 'box', '-w', '/tmp', '{img}', 'sleep', '300'),
    ],
    steps: [
      {
        args: ['inspect', '{p}c'],
        out: 'json',
        ignore: CONTAINER_IGNORE,
        values: [
          '0.Name',
          '0.Path',
          '0.Args',
          '0.State.Status',
          '0.State.Running',
          '0.State.ExitCode',
          '0.Config.Cmd',
          '0.Config.Env',
          '0.Config.Labels',
          '0.Config.Hostname',
          '0.Config.WorkingDir',
          '0.Config.Image',
          '0.Config.ExposedPorts',
          '0.HostConfig.RestartPolicy',
          '0.HostConfig.PortBindings',
          '0.HostConfig.Binds',
          '0.Mounts.0.Type',
          '0.Mounts.0.Name',
          '0.Mounts.0.Destination',
          '0.Mounts.0.RW',
          '0.Mounts.0.Driver',
        ],
      },
      { args: ['inspect', '-f', '{{.State.Status}} {{.Config.Image}} {{.HostConfig.RestartPolicy.Name}} {{json .Config.Labels}}', '{p}c'], out: 'lines' },
      { args: ['container', 'inspect', '--format', '{{range $p, $b := .NetworkSettings.Ports}}{{$p}} {{end}}', '{p}c'], out: 'lines' },
    ],
    cleanup: [
      ['rm', '-f', '-v', '{p}c'],
      ['volume', 'rm', '{p}cvol'],
    ],
  },
  {
    name: 'container inspect: an exited container',
    setup: [
      ['create', '--name', '{p}x', '-l', '{label}', '{img}', 'sh', '-c', 'exit 2'],
      ['start', '{p}x'],
    ],
    steps: [
      { args: ['wait', '{p}x'], out: 'lines' },
      {
        args: ['inspect', '{p}x'],
        out: 'json',
        ignore: CONTAINER_IGNORE,
        values: ['0.State.Status', '0.State.ExitCode', '0.State.Running', '0.State.OOMKilled', '0.RestartCount'],
      },
    ],
    cleanup: [['rm', '{p}x']],
  },
  {
    name: 'healthcheck: State.Health and (healthy) in ps',
    setup: [RUN_D('h', '--health-cmd', 'true', '--health-interval', '1s', '{img}', 'sleep', '300')],
    steps: [
      { args: ['inspect', '-f', '{{.State.Health.Status}}', '{p}h'], out: 'lines', until: /^healthy/ },
      {
        args: ['inspect', '{p}h'],
        out: 'json',
        ignore: CONTAINER_IGNORE,
        values: ['0.State.Health.Status', '0.State.Health.FailingStreak', '0.Config.Healthcheck'],
      },
      { args: ['ps', '--filter', 'name={p}h', '--format', '{{.Status}}'], out: 'lines' },
    ],
    cleanup: [['rm', '-f', '{p}h']],
  },
  {
    name: 'exec: output and exit code',
    setup: [RUN_D('e', '{img}', 'sleep', '300')],
    steps: [
      { args: ['exec', '{p}e', 'sh', '-c', 'echo hi; echo oops >&2; exit 4'], out: 'lines' },
      { args: ['exec', '-e', 'X=1', '-w', '/etc', '{p}e', 'sh', '-c', 'echo $X; pwd'], out: 'lines', needs: '1.35' },
      { args: ['exec', '-i', '{p}e', 'cat'], out: 'lines', input: 'piped\n' },
      { args: ['exec', '{p}e', 'no-such-command'], out: 'lines', known: 'Docker 20.10 exits 126 here, Docker 23+ 127 (berth follows the newer)' },
    ],
    cleanup: [['rm', '-f', '{p}e']],
  },
  {
    name: 'logs, wait, restart, rename',
    setup: [['run', '--name', '{p}l', '-l', '{label}', '{img}', 'sh', '-c', 'echo one; echo two']],
    steps: [
      { args: ['logs', '{p}l'], out: 'lines' },
      { args: ['logs', '--tail', '1', '{p}l'], out: 'lines' },
      { args: ['wait', '{p}l'], out: 'lines' },
      { args: ['rename', '{p}l', '{p}l2'], out: 'lines' },
      { args: ['ps', '-a', '--filter', 'name={p}l2', '--format', '{{.Names}}'], out: 'lines' },
      { args: ['start', '-a', '{p}l2'], out: 'lines' },
    ],
    cleanup: [
      ['rm', '-f', '{p}l2'],
      ['rm', '-f', '{p}l'],
    ],
  },
  {
    name: 'images: table, --format, inspect, history',
    steps: [
      { args: ['images', '{img}'], out: 'table' },
      { args: ['images', '--format', '{{.Repository}}:{{.Tag}}', '{img}'], out: 'lines' },
      {
        args: ['image', 'inspect', '{img}'],
        out: 'json',
        ignore: IMAGE_IGNORE,
        values: ['0.RepoTags', '0.Config.Cmd', '0.Os', '0.Architecture', '0.RootFS.Type', '0.Parent', '0.Comment'],
      },
      { args: ['history', '--format', '{{.CreatedBy}}', '{img}'], out: 'lines' },
    ],
  },
  {
    name: 'images: tag and rmi',
    steps: [
      { args: ['tag', '{img}', '{p}tagged:v1'], out: 'lines' },
      { args: ['images', '{p}tagged'], out: 'table' },
      { args: ['rmi', '{p}tagged:v1'], out: 'lines' },
      {
        args: ['image', 'inspect', '{p}tagged:v1'],
        out: 'lines',
        error: true,
        known: 'the daemon words this as Docker 23+ does; Docker 20.10 words it differently',
      },
    ],
  },
  {
    name: 'build: a Dockerfile on stdin, then inspect',
    steps: [
      {
        args: ['build', '-q', '-t', '{p}built', '--label', 'stage=conf', '-'],
        out: 'lines',
        input: 'FROM {img}\nENV A=1\nRUN echo built > /built\nCMD ["cat", "/built"]\n',
      },
      { args: ['image', 'inspect', '{p}built'], out: 'json', ignore: IMAGE_IGNORE, values: ['0.RepoTags', '0.Config.Cmd', '0.Config.Labels', '0.Config.Env'] },
      { args: ['run', '--rm', '-l', '{label}', '{p}built'], out: 'lines' },
    ],
    cleanup: [['rmi', '{p}built']],
  },
  {
    name: 'volumes: create, ls, inspect, rm',
    steps: [
      { args: ['volume', 'create', '--label', '{label}', '{p}vol'], out: 'lines' },
      { args: ['volume', 'ls', '--filter', 'name={p}vol'], out: 'table' },
      { args: ['volume', 'ls', '-q', '--filter', 'label={label}'], out: 'lines' },
      { args: ['volume', 'ls', '--filter', 'name={p}vol', '--format', '{{.Name}} {{.Driver}} {{.Scope}}'], out: 'lines' },
      { args: ['volume', 'inspect', '{p}vol'], out: 'json', values: ['0.Name', '0.Driver', '0.Labels', '0.Scope', '0.Options'] },
      { args: ['volume', 'rm', '{p}vol'], out: 'lines' },
    ],
    cleanup: [['volume', 'rm', '{p}vol']],
  },
  {
    name: 'volumes: a volume in use cannot be removed',
    setup: [
      ['volume', 'create', '{p}used'],
      ['create', '--name', '{p}vu', '-l', '{label}', '-v', '{p}used:/d', '{img}'],
    ],
    steps: [{ args: ['volume', 'rm', '{p}used'], out: 'lines', error: true }],
    cleanup: [
      ['rm', '{p}vu'],
      ['volume', 'rm', '{p}used'],
    ],
  },
  {
    name: 'networks: create, ls, inspect, connect, rm',
    steps: [
      { args: ['network', 'create', '--label', '{label}', '{p}net'], out: 'lines' },
      { args: ['network', 'ls', '--filter', 'name={p}net'], out: 'table' },
      { args: ['network', 'ls', '--filter', 'label={label}', '--format', '{{.Name}} {{.Driver}} {{.Scope}}'], out: 'lines' },
      {
        args: ['network', 'inspect', '{p}net'],
        out: 'json',
        values: [
          '0.Name',
          '0.Driver',
          '0.Scope',
          '0.Labels',
          '0.Internal',
          '0.Attachable',
          '0.Ingress',
          '0.EnableIPv6',
          '0.IPAM.Driver',
          '0.Options',
          '0.Containers',
        ],
      },
      {
        args: [
          'run',
          '--rm',
          '--network',
          '{p}net',
          '--network-alias',
          'srv',
          '-l',
          '{label}',
          '{img}',
          'sh',
          '-c',
          'nslookup srv >/dev/null && echo resolved',
        ],
        out: 'lines',
      },
      { args: ['network', 'create', '{p}net'], out: 'lines', error: true },
      { args: ['network', 'rm', '{p}net'], out: 'lines' },
    ],
    cleanup: [['network', 'rm', '{p}net']],
  },
  {
    name: 'run --link on the default bridge',
    setup: [RUN_D('srv', '{img}', 'sleep', '300')],
    steps: [
      {
        args: [
          'run',
          '--rm',
          '-l',
          '{label}',
          '--link',
          '{p}srv:db',
          '{img}',
          'sh',
          '-c',
          'ping -c1 -W2 db >/dev/null && ping -c1 -W2 {p}srv >/dev/null && echo linked',
        ],
        out: 'lines',
      },
      { args: ['run', '--rm', '-l', '{label}', '--link', '{p}nosuch:db', '{img}', 'true'], out: 'none' },
    ],
    cleanup: [['rm', '-f', '{p}srv']],
  },
  {
    name: 'networks: inspect the default bridge',
    steps: [
      {
        args: ['network', 'inspect', 'bridge'],
        out: 'json',
        ignore: ['0.Options', '0.Containers'],
        values: ['0.Name', '0.Driver', '0.Scope', '0.Internal', '0.Attachable', '0.IPAM.Driver'],
      },
    ],
  },
  {
    name: 'errors: missing objects',
    steps: [
      { args: ['inspect', '{p}nosuch'], out: 'lines', error: true },
      { args: ['rm', '{p}nosuch'], out: 'lines', error: true },
      { args: ['start', '{p}nosuch'], out: 'lines', error: true },
      { args: ['logs', '{p}nosuch'], out: 'lines', error: true },
      { args: ['volume', 'inspect', '{p}nosuch'], out: 'lines', error: true },
      { args: ['network', 'inspect', '{p}nosuch'], out: 'lines', error: true },
      {
        args: ['image', 'inspect', '{p}nosuch'],
        out: 'lines',
        error: true,
        known: 'the daemon words this as Docker 23+ does; Docker 20.10 words it differently',
      },
      { args: ['rmi', '{p}nosuch'], out: 'lines', error: true },
    ],
  },
  {
    name: 'errors: conflicts',
    setup: [RUN_D('busy', '{img}', 'sleep', '300')],
    steps: [
      { args: ['create', '--name', '{p}busy', '{img}'], out: 'lines', error: true },
      { args: ['rm', '{p}busy'], out: 'lines', error: true, known: 'the daemon words this as Docker 23+ does; Docker 20.10 words it differently' },
      { args: ['rmi', '{img}'], out: 'lines', error: true },
    ],
    cleanup: [['rm', '-f', '{p}busy']],
  },
  {
    name: 'version and info',
    steps: [
      { args: ['version', '--format', '{{.Server.APIVersion}} {{.Server.Os}} {{.Server.Arch}}'], out: 'lines' },
      { args: ['info', '--format', '{{.OSType}} {{.Architecture}} {{json .Swarm.LocalNodeState}}'], out: 'lines' },
    ],
  },
];
