// Reference point from npm: the pcap-parser package counting packets (pcap µs only).
const pcapp = require('pcap-parser');

let packets = 0;
const parser = pcapp.parse(process.argv[2]);
parser.on('packet', () => packets++);
parser.on('error', (e) => {
  process.stdout.write(JSON.stringify({ error: e.message }));
  process.exit(3);
});
parser.on('end', () => process.stdout.write(JSON.stringify({ packets })));
