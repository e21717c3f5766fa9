import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { findNodeRuntime, majorOf, nodeCandidates, probeNodeVersion, type NodeSearch } from '../extension/node-runtime';

describe('extension: finding a Node >= 22 for kernels and the CLI', () => {
  const base: NodeSearch = {
    workspaceFolders: ['/ws/a', '/ws/b'],
    extensionDir: '/ext',
    host: { execPath: '/vscode/electron', nodeVersion: '20.18.1', electron: true },
    pathDirs: ['/usr/local/bin', '/usr/bin'],
    platform: 'linux',
  };
  const present = (...paths: string[]) => (p: string) => paths.includes(p);

  it('looks at the workspace, the extension, PATH and then the extension host, in that order, skipping missing files', () => {
    const exists = present('/ws/b/node_modules/.bin/node', '/ext/node_modules/.bin/node', '/usr/bin/node');
    assert.deepEqual(nodeCandidates(base, exists), [
      { path: '/ws/b/node_modules/.bin/node', source: 'workspace' },
      { path: '/ext/node_modules/.bin/node', source: 'extension' },
      { path: '/usr/bin/node', source: 'path' },
      { path: '/vscode/electron', source: 'extension-host' },
    ]);
  });

  it('uses only the setting when it is given', () => {
    assert.deepEqual(nodeCandidates({ ...base, configured: '/opt/node24/bin/node' }, () => true), [{ path: '/opt/node24/bin/node', source: 'setting' }]);
  });

  it('skips a Node older than 22 and takes the next candidate', async () => {
    const versions: Record<string, string> = { '/ws/a/node_modules/.bin/node': '20.19.0', '/usr/bin/node': '24.21.0' };
    const runtime = await findNodeRuntime(base, async (p) => versions[p], present(...Object.keys(versions)));
    assert.deepEqual(runtime, { path: '/usr/bin/node', version: '24.21.0', source: 'path', env: {} });
  });

  it('takes the extension host without probing it, and runs Electron as Node', async () => {
    const host = { execPath: '/vscode/electron', nodeVersion: '22.15.1', electron: true };
    let probed = 0;
    const runtime = await findNodeRuntime({ ...base, host }, async () => (probed++, undefined), () => false);
    assert.equal(probed, 0);
    assert.deepEqual(runtime, { path: '/vscode/electron', version: '22.15.1', source: 'extension-host', env: { ELECTRON_RUN_AS_NODE: '1' } });
  });

  it('code-server: a plain Node 24 host needs no extra environment', async () => {
    const host = { execPath: '/cs/lib/node', nodeVersion: '24.21.0', electron: false };
    const runtime = await findNodeRuntime({ ...base, host }, async () => undefined, () => false);
    assert.deepEqual(runtime.env, {});
    assert.equal(runtime.source, 'extension-host');
  });

  it('says what it tried when nothing fits', async () => {
    await assert.rejects(
      findNodeRuntime(base, async () => '18.20.0', present('/usr/bin/node')),
      (e: Error & { code?: string; hint?: string }) => {
        assert.equal(e.code, 'NODE_NOT_FOUND');
        assert.match(e.message, /\/usr\/bin\/node \(path\): Node 18\.20\.0/);
        assert.match(e.message, /\/vscode\/electron \(extension-host\): Node 20\.18\.1/);
        assert.match(e.hint ?? '', /quantbook\.nodePath/);
        return true;
      },
    );
  });

  it('a wrong setting is an error naming the setting, not a silent fallback', async () => {
    await assert.rejects(findNodeRuntime({ ...base, configured: '/nope/node' }, async () => undefined), /quantbook\.nodePath \(\/nope\/node\)/);
  });

  it('uses node.exe under node_modules/node/bin on Windows', () => {
    const win = { ...base, workspaceFolders: ['C:\\ws'], pathDirs: [], platform: 'win32' as const };
    const expected = join('C:\\ws', 'node_modules', 'node', 'bin', 'node.exe');
    assert.equal(nodeCandidates(win, present(expected))[0].path, expected);
  });

  it('parses major versions', () => {
    assert.equal(majorOf('v24.21.0'), 24);
    assert.equal(majorOf('22.1.0'), 22);
    assert.ok(Number.isNaN(majorOf('node')));
  });

  it('probes a real binary: the Node running this test', async () => {
    assert.equal(await probeNodeVersion(process.execPath, {}), process.versions.node);
    assert.equal(await probeNodeVersion('/definitely/not/node', {}), undefined);
  });
});
