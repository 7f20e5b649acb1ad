import { RuntimeError } from './errors.js';

const toInt = (ip: string): number => {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new RuntimeError('InvalidConfig', `podCIDR: Invalid value: "${ip}": must be an IPv4 address`);
  }
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
};

const toIp = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/**
 * Hands out pod IPs from an IPv4 CIDR (network and broadcast addresses excluded); released addresses
 * are reused first, oldest release first. O(1) per call. Addresses are labels only — nothing routes them.
 */
export class IpAllocator {
  private readonly base: number;
  private readonly size: number;
  private next = 1;
  private readonly free: number[] = [];
  private freeHead = 0;

  constructor(cidr: string) {
    const [ip, prefixText] = cidr.split('/');
    const prefix = Number(prefixText);
    if (ip === undefined || !Number.isInteger(prefix) || prefix < 1 || prefix > 30) {
      throw new RuntimeError(
        'InvalidConfig',
        `podCIDR: Invalid value: "${cidr}": must be a.b.c.d/n with 1 <= n <= 30`,
      );
    }
    this.size = 2 ** (32 - prefix);
    this.base = (toInt(ip) & ~(this.size - 1)) >>> 0;
  }

  allocate(): string {
    if (this.freeHead < this.free.length) {
      const offset = this.free[this.freeHead++]!;
      if (this.freeHead > 1024 && this.freeHead * 2 > this.free.length) {
        this.free.splice(0, this.freeHead);
        this.freeHead = 0;
      }
      return toIp(this.base + offset);
    }
    if (this.next >= this.size - 1) {
      throw new RuntimeError(
        'InvalidState',
        `no pod IP left in ${toIp(this.base)}/${32 - Math.log2(this.size)}`,
      );
    }
    return toIp(this.base + this.next++);
  }

  release(ip: string): void {
    const offset = toInt(ip) - this.base;
    if (offset >= 1 && offset < this.next) this.free.push(offset);
  }
}
