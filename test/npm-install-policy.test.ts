/**
 * Issue 14, point 9: the ONNX Runtime CUDA download is skipped through npm's own install-script policy
 * (`allowScripts` in package.json), not through an `.npmrc` key npm does not know (which made npm warn
 * "Unknown project config" on every command). Runs the npm the project is installed with.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');

describe('npm install policy for onnxruntime-node', () => {
  it('npm commands in the project print no config warning', async () => {
    const { stdout, stderr } = await run('npm', ['pkg', 'get', 'name'], { cwd: ROOT });
    expect(stdout.trim()).toBe('"vaner-kg"');
    expect(stderr).toBe('');
    const npmrc = path.join(ROOT, '.npmrc');
    if (existsSync(npmrc)) expect(readFileSync(npmrc, 'utf8')).not.toMatch(/onnxruntime/);
  });

  it('denies the postinstall script that downloads the CUDA provider, so an offline rebuild succeeds without running it', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
    // --foreground-scripts would print the script's command and output had it run; --offline makes a download fail.
    const { stdout, stderr } = await run('npm', ['rebuild', 'onnxruntime-node', '--foreground-scripts', '--offline'], { cwd: ROOT });
    expect(`${stdout}${stderr}`).not.toMatch(/script\/install/);
    expect(stdout).toMatch(/rebuilt dependencies successfully/);
    // The CPU provider ships in the package itself.
    const ort = await import('onnxruntime-node');
    expect(typeof ort.InferenceSession.create).toBe('function');
  });
});
