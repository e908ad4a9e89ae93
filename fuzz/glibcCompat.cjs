// Preloaded (node -r) by scripts/fuzz.mjs. The @jazzer.js/fuzzer 4 prebuilt addon for linux-x64
// was built on a newer distribution than Debian 12 (glibc 2.36, GCC 12's libstdc++), so dlopen
// fails. It needs the newer libraries for three symbols only:
// - __isoc23_strtol / __isoc23_strtoul (GLIBC_2.38): C23 aliases of strtol/strtoul, which differ
//   only in accepting a "0b" prefix the addon never parses. Renamed to the classic functions and
//   bound to the base glibc version.
// - std::ios_base_library_init() (GLIBCXX_3.4.32): GCC 13's <iostream> only *references* it to
//   pull in a libstdc++ that initialises the standard streams; nothing calls it (no relocation).
// Both version requirements are then marked weak, which glibc treats as "not fatal if missing".
// Rather than building libFuzzer from source (not possible offline), we load a patched copy.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const SHT_DYNSYM = 11;
const SHT_GNU_VERSYM = 0x6fffffff;
const SHT_GNU_VERNEED = 0x6ffffffe;
const VER_FLG_WEAK = 2;

/** Returns the patched ELF bytes, or null when nothing needs patching. Throws if it cannot. */
function patchElf(buf) {
  if (buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) throw new Error('not a little-endian ELF64 file');
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    sections.push({
      type: buf.readUInt32LE(o + 4), offset: Number(buf.readBigUInt64LE(o + 0x18)),
      size: Number(buf.readBigUInt64LE(o + 0x20)), link: buf.readUInt32LE(o + 0x28), entsize: Number(buf.readBigUInt64LE(o + 0x38)),
    });
  }
  const dynsym = sections.find((s) => s.type === SHT_DYNSYM);
  const versym = sections.find((s) => s.type === SHT_GNU_VERSYM);
  const verneed = sections.find((s) => s.type === SHT_GNU_VERNEED);
  if (!dynsym || !versym || !verneed) throw new Error('no dynamic symbol version sections');
  const dynstr = sections[dynsym.link];
  const str = (off) => { let e = dynstr.offset + off; while (buf[e] !== 0) e++; return buf.toString('latin1', dynstr.offset + off, e); };
  // Walk Elf64_Verneed / Elf64_Vernaux: version index of each needed glibc version.
  const versions = new Map();
  for (let o = verneed.offset; ;) {
    const cnt = buf.readUInt16LE(o + 2), aux = buf.readUInt32LE(o + 8), next = buf.readUInt32LE(o + 12);
    for (let a = o + aux, k = 0; k < cnt; k++) {
      versions.set(str(buf.readUInt32LE(a + 8)), { index: buf.readUInt16LE(a + 6), at: a });
      const an = buf.readUInt32LE(a + 12);
      if (an === 0) break;
      a += an;
    }
    if (next === 0) break;
    o += next;
  }
  const v238 = versions.get('GLIBC_2.38');
  const cxx = versions.get('GLIBCXX_3.4.32');
  const base = versions.get('GLIBC_2.2.5');
  if (!v238 && !cxx) return null;
  if (!base) throw new Error('no GLIBC_2.2.5 version reference to rebind to');
  const count = dynsym.size / dynsym.entsize;
  for (let i = 0; i < count; i++) {
    const vo = versym.offset + i * 2;
    const idx = buf.readUInt16LE(vo) & 0x7fff;
    const nameOff = buf.readUInt32LE(dynsym.offset + i * dynsym.entsize);
    const name = str(nameOff);
    if (cxx && idx === cxx.index) {
      if (name !== '_ZSt21ios_base_library_initv') throw new Error(`symbol ${name} really needs GLIBCXX_3.4.32`);
      continue;
    }
    if (!v238 || idx !== v238.index) continue;
    if (!name.startsWith('__isoc23_')) throw new Error(`symbol ${name} really needs glibc 2.38`);
    // Shorter name written over the old one; its tail keeps any suffix-shared strings intact.
    buf.write(name.slice('__isoc23_'.length) + '\0', dynstr.offset + nameOff, 'latin1');
    buf.writeUInt16LE(base.index, vo);
  }
  for (const v of [v238, cxx]) if (v) buf.writeUInt16LE(buf.readUInt16LE(v.at + 4) | VER_FLG_WEAK, v.at + 4);
  return buf;
}

const original = process.dlopen;
process.dlopen = function dlopen(module, filename, ...rest) {
  try {
    return original.call(this, module, filename, ...rest);
  } catch (e) {
    if (!/GLIBC_2\.38|GLIBCXX_3\.4\.32/.test(String(e && e.message)) || !/jazzer/.test(filename)) throw e;
    const patched = patchElf(fs.readFileSync(filename));
    if (!patched) throw e;
    const dir = path.join(process.cwd(), 'out', 'fuzz', 'addon');
    fs.mkdirSync(dir, { recursive: true });
    const copy = path.join(dir, path.basename(filename));
    fs.writeFileSync(copy, patched);
    return original.call(this, module, copy, ...rest);
  }
};
module.exports = { patchElf };
