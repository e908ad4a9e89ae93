// The bundled samples: reproducible from the generator, and each one shows its story as
// tshark sees it (samples/expected/*.tshark.json, written by scripts/tshark-truth.mjs from
// tshark 4.0 output — an outside decoder, not our engine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SAMPLES, buildSample } from '../../../src/gen/index';
import { ROOT } from './tsharkFields';

const SAMPLES_DIR = join(ROOT, 'samples');

interface Stream {
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  syn: number; syn_retrans: number; synack: number; synack_retrans: number; handshake_complete: boolean;
  rst_by: string | null; reused_ports: boolean; tfo_cookie_request: boolean; tfo_cookie_in_syn: boolean;
  tfo_cookie_in_synack: boolean; syn_data_len: number; vlan_ids: number[]; family: number; simultaneous_open: boolean;
  first_syn_epoch: string | null; first_synack_epoch: string | null; endpoint_basis: string;
}
interface Truth {
  capture: { sha256: string; format: string; compression: string | null; byte_order: string; pcap_timestamp_resolution: string | null };
  file: { damaged: boolean; packets: number };
  summary: Record<string, number>;
  streams: Stream[];
}

function truth(file: string): Truth {
  return JSON.parse(readFileSync(join(SAMPLES_DIR, 'expected', `${file}.tshark.json`), 'utf8')) as Truth;
}

test('re-running the generator reproduces every sample byte for byte (gzip: its content)', () => {
  for (const s of SAMPLES) {
    const onDisk = readFileSync(join(SAMPLES_DIR, s.file));
    const { bytes, raw } = buildSample(s);
    if (s.gzip) assert.ok(gunzipSync(onDisk).equals(raw), s.file);
    else assert.ok(onDisk.equals(bytes), `${s.file} differs: run node scripts/make-samples.mjs --truth`);
  }
});

test('the tshark truth files describe exactly the committed samples', () => {
  for (const s of SAMPLES) {
    const sha = createHash('sha256').update(readFileSync(join(SAMPLES_DIR, s.file))).digest('hex');
    assert.equal(truth(s.file).capture.sha256, sha, `${s.file}: regenerate samples/expected`);
  }
});

test('the samples stay small (< 2 MB together)', () => {
  const total = SAMPLES.reduce((n, s) => n + statSync(join(SAMPLES_DIR, s.file)).size, 0);
  assert.ok(total < 2 * 1024 * 1024, `${total} bytes`);
});

test('tshark sees each handshake story the sample claims to show', () => {
  const silent = truth('silent-host.pcap').streams[0];
  assert.equal(silent.syn, 7);
  assert.equal(silent.syn_retrans, 6);
  assert.equal(silent.synack, 0);

  const lost = truth('lost-final-ack.pcap').streams[0];
  assert.equal(lost.synack, 3);
  assert.equal(lost.synack_retrans, 2);
  assert.equal(lost.handshake_complete, true);

  assert.equal(truth('refused.pcap').summary.streams_refused, 3);
  assert.equal(truth('slow-server.pcap').summary.handshakes_complete, 7);
  assert.equal(truth('simultaneous-open.pcap').streams[0].simultaneous_open, true);

  const tfo = truth('tfo.pcap').streams;
  assert.deepEqual(tfo.map((s) => [s.tfo_cookie_request, s.tfo_cookie_in_synack, s.tfo_cookie_in_syn, s.syn_data_len > 0]), [[true, true, false, false], [false, false, true, true]]);

  assert.equal(truth('port-reuse.pcap').summary.reused_port_streams, 2);
  const v6 = truth('ipv6.pcap');
  assert.equal(v6.capture.pcap_timestamp_resolution, 'nsec');
  assert.equal(v6.summary.ipv6_streams, v6.summary.tcp_streams);
  assert.deepEqual(truth('vlan.pcapng').streams.map((s) => s.vlan_ids), [[100], [200], [10], [100]]);
  assert.equal(truth('midstream.pcap').capture.byte_order, 'big');
  assert.equal(truth('midstream.pcap').summary.streams_without_syn, 3);
  assert.equal(truth('truncated.pcap').file.damaged, true);
  assert.equal(truth('healthy.pcap.gz').capture.compression, 'gzip');
  assert.equal(truth('healthy.pcap.gz').summary.handshakes_complete, 6);
});

test('tshark sees the three stories and their look-alikes as scripted', () => {
  const storm = truth('connection-storm.pcap').streams;
  assert.equal(storm.length, 200);
  assert.equal(new Set(storm.map((s) => `${s.client.ip}>${s.server.ip}:${s.server.port}`)).size, 1, 'one client, one server');
  assert.ok(storm.every((s) => s.handshake_complete));

  const hanging = truth('hanging-connects.pcap').streams;
  const stuck = hanging.filter((s) => s.synack === 0);
  assert.equal(stuck.length, 60);
  assert.ok(stuck.every((s) => s.syn_retrans >= 1 && s.server.port === 5432));

  for (const file of ['syn-flood-cookies.pcap', 'syn-flood-legit-clients.pcap']) {
    const t = truth(file);
    assert.ok(t.summary.tcp_streams >= 600, file);
    // cookies: the server answers every SYN once and never retransmits a SYN-ACK
    assert.equal(t.summary.synack_retransmissions, 0, file);
    assert.ok(t.summary.handshakes_complete >= 7, `${file}: legitimate clients complete`);
  }

  const keepalive = truth('keepalive-client.pcap');
  assert.equal(keepalive.summary.tcp_streams, 3);
  const givesUp = truth('client-gives-up.pcap').streams;
  assert.deepEqual(givesUp.map((s) => s.syn), [2, 1]);
  const burst = truth('deploy-burst.pcap').streams;
  assert.equal(new Set(burst.map((s) => s.client.ip)).size, 40);
});

test('no sample SYN-ACK carries an option its SYN did not offer (RFC 7323, RFC 2018), as tshark reads them', () => {
  for (const s of SAMPLES) {
    for (const st of truth(s.file).streams as unknown as Array<{ syn_options: Opts | null; synack_options: Opts | null }>) {
      if (!st.syn_options || !st.synack_options) continue;
      if (!st.syn_options.timestamps) assert.equal(st.synack_options.timestamps, false, s.file);
      if (st.syn_options.wscale === null) assert.equal(st.synack_options.wscale, null, s.file);
      if (!st.syn_options.sack_perm) assert.equal(st.synack_options.sack_perm, false, s.file);
    }
  }
});

interface Opts { mss: number | null; wscale: number | null; sack_perm: boolean; timestamps: boolean }
