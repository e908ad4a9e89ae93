/**
 * The stories on real Linux 6.18 captures (test/fixtures/kernel, see its README): expected values
 * come from each scenario's set-up and from what the client's socket API reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tellStories } from '../../../src/core/stories';
import { analyse, scenario } from '../kernel/fixtures';

for (const name of ['syn-flood', 'syn-flood-always', 'syn-flood-ts-nooffset'] as const) {
  test(`${name}: the spoofed flood is called likely spoofed, though its 127 sources were each used ~8 times`, async () => {
    const r = await analyse(name);
    const sc = scenario(name);
    // Set-up: 1000 spoofed SYNs from 10.99.0.128–254 (127 addresses, 1000 / 127 ≈ 8 each), their
    // SYN-ACKs routed to nowhere, so no TCP stack ever ACKs or retransmits for them.
    assert.equal((sc.flood as { flood: number }).flood, 1000);
    const s = r.stories.find((x) => x.kind === 'syn-flood');
    assert.ok(s);
    assert.equal(s.numbers['flood SYNs'], 1000);
    assert.equal(s.numbers['distinct sources'], 254 - 128 + 1);
    assert.equal(s.numbers['spoofed sources'], 'likely');
    assert.match(String(s.numbers['spoofing evidence']), /none of the 1000 SYN-ACKs was ACKed/);
    assert.match(String(s.numbers['spoofing evidence']), /127 source addresses were used about 8 times each/);
    assert.match(s.sentence, /likely spoofed/);
    // Cookies are recognised (the README's table), and said in words, not the engine's codes.
    assert.equal(s.numbers['SYN cookies'], 'yes');
    assert.doesNotMatch(String(s.numbers['SYN cookies recognised by']), /\b[a-z]+(-[a-z]+)+\b/);
    // The legitimate client's 8 requests, 0.4 s apart from 0.5 s, fall about half during the 2 s
    // flood and half after it (enough on each side to compare), over loopback to a server that
    // answers with a cookie at once: the flood does not slow its handshakes.
    assert.equal(s.numbers['legitimate handshake time during the flood'], 'not slower than outside it');
    // The legitimate client made its 8 requests, all OK, during and after the flood: not a hanging connect.
    assert.deepEqual(r.stories.map((x) => x.kind), ['syn-flood']);
  });
}

for (const [name, lastSynS] of [['silent-host', 11], ['silent-host-exponential', 7]] as const) {
  test(`${name}: still pending at the capture's end, given up once the capture would run past the kernel's timeout`, async () => {
    const r = await analyse(name);
    const sc = scenario(name);
    const timeouts = (sc.client.connects as { result: string; seconds: number }[]).map((c) => c.seconds);
    const s = r.stories.find((x) => x.kind === 'hanging-connects');
    assert.ok(s);
    // The capture ends before the kernel's ETIMEDOUT (19.4 s linear, 15.3 s doubling): the
    // clients were still waiting, as the socket API says.
    assert.equal(s.numbers['still pending at capture end'], 12);
    assert.ok((s.numbers['longest wait (s)'] as number) < Math.min(...timeouts));
    // Had the capture run on 30 s, nothing more would have come (the kernel gave up without a
    // SYN): the connects gave up, and the wait we claim ends at the last SYN, at 0, 1, 2, 3, 4, 5,
    // 7, 11 s (linear first, tcp_syn_linear_timeouts=4) or 0, 1, 3, 7 s (doubling).
    const longer = structuredClone(r);
    longer.capture.end = `${Number(r.capture.start!.split('.')[0]) + 40}.000000`;
    const again = tellStories(longer).stories.find((x) => x.kind === 'hanging-connects');
    assert.ok(again);
    assert.equal(again.numbers['given up after the last SYN'], 12);
    const wait = again.numbers['longest wait (s)'] as number;
    assert.ok(Math.abs(wait - lastSynS) / lastSynS < 0.1, `${wait} s`);
  });
}
