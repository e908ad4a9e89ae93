import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration } from '../../../src/render';
import { epochNs, formatEndpointShort, formatFlags, groupDigits, secondsBetween } from '../../../src/render/format';
import { TCP_ACK, TCP_CWR, TCP_ECE, TCP_SYN } from '../../../src/core/decode/types';

test('durations read in the unit that fits', () => {
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(50e-6), '50 µs');
  assert.equal(formatDuration(123.4e-6), '123 µs');
  assert.equal(formatDuration(1.25e-3), '1.25 ms');
  assert.equal(formatDuration(0.9999996), '1.0 s');
  assert.equal(formatDuration(999.96e-6), '1 ms');
  assert.equal(formatDuration(2), '2.0 s');
  assert.equal(formatDuration(63), '63.0 s');
  assert.equal(formatDuration(5e-9), '5 ns');
});

test('time differences are exact on epoch strings', () => {
  assert.equal(epochNs('1700000000.000001'), 1700000000000001000n);
  assert.equal(secondsBetween('1700000000.000100', '1700000000.000250'), 150e-6);
  assert.equal(secondsBetween('1700000000.123456789', '1700000001.123456789'), 1);
  assert.equal(secondsBetween('garbage', '1'), null);
});

test('flags are listed in bit order as in Wireshark', () => {
  assert.equal(formatFlags(TCP_SYN | TCP_ACK), 'SYN, ACK');
  assert.equal(formatFlags(TCP_SYN | TCP_ECE | TCP_CWR), 'SYN, ECE, CWR');
  assert.equal(formatFlags(0), '<none>');
});

test('long endpoints keep their port and both ends of the address', () => {
  const s = formatEndpointShort({ ip: '2001:db8:85a3:1234:5678:8a2e:370:7334', port: 443 }, 24);
  assert.equal(Array.from(s).length, 24);
  assert.ok(s.startsWith('[2001:') && s.endsWith('7334]:443'), s);
  assert.equal(formatEndpointShort({ ip: '10.0.0.1', port: 80 }, 24), '10.0.0.1:80');
});

test('groupDigits writes integers as toLocaleString("en-US") does (ICU is the reference)', () => {
  const samples = [0, 7, 999, 1000, 65535, 123456, 1000000, 25216, 268060, 10_000_000, 2 ** 31, 2 ** 53 - 1, -1, -1234567];
  let x = 20261127;
  for (let i = 0; i < 200; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    samples.push(Math.floor((x / 2 ** 32) * 10 ** (i % 16)));
  }
  for (const n of samples) assert.equal(groupDigits(n), n.toLocaleString('en-US'), String(n));
});
