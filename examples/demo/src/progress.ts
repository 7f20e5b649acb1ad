import type { RolloutProgress } from '@flotilla/host';

/**
 * Renders rollout progress like `kubectl rollout status`, with a bar of updated and available replicas.
 * On a terminal the line is redrawn in place; elsewhere (CI, a pipe) a line is printed only when the
 * numbers change, so logs stay readable.
 */
export class ProgressView {
  private last = '';
  private readonly tty: boolean;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {
    this.tty = out.isTTY === true;
  }

  update(p: RolloutProgress): void {
    const width = 20;
    const cells = Math.max(p.replicas, 1);
    const filled = (n: number) => Math.min(width, Math.round((n / cells) * width));
    const bar = (n: number) => `${'█'.repeat(filled(n))}${'░'.repeat(width - filled(n))}`;
    const line = `  updated ${bar(p.updated)} ${p.updated}/${p.replicas}  available ${bar(p.available)} ${p.available}/${p.replicas}${p.old ? `  old ${p.old}` : ''}`;
    if (line === this.last) return;
    this.last = line;
    if (this.tty) this.out.write(`\r\x1b[2K${line}`);
    else this.out.write(`${line}\n`);
  }

  done(message: string): void {
    if (this.tty) this.out.write('\n');
    this.out.write(`  ${message}\n`);
    this.last = '';
  }
}
