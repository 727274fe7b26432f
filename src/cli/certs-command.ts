/**
 * `portcullis certs`: the certificates of a distributed deployment, made and checked on the command line.
 *
 *   certs create-ca                 a CA (ca.pem, ca-key.pem) that every node trusts (`http.ca_file`)
 *   certs issue --name gw-1 --dns gw-1.example.com [--dns …] [--ip …]
 *                                   a node's certificate (gw-1.pem, gw-1-key.pem) signed by that CA, CN and
 *                                   subjectAltName naming the node's hosts (`http.cert_file`, `http.key_file`)
 *   certs check gw-1=gw-1.example.com km=km.example.com,10.0.0.5
 *                                   which node certificate is wrong (not from the CA, expired, not for a host)
 *
 * Keys are written readable by their owner only; nothing is overwritten without --force.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import type { Command } from 'commander';
import { certificateCoversHost, describeCertificate } from '../platform/certs/describe.js';
import { writeFileAtomic } from '../platform/certs/files.js';
import { createCertificateAuthority, issueCertificate } from '../platform/certs/issue.js';
import { parseCertificate } from '../platform/certs/pem.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** A node name whose files could be the CA's or another node's key (`x-key.pem` is `x`'s key). */
const RESERVED_NAME = /^ca$|-key$/i;
const DNS_NAME =
  /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** A certificate this close to its end is reported, not refused. */
const WARN_DAYS = 30;
const DAY_MS = 86_400_000;

const files = (dir: string, name: string) => ({
  cert: path.join(dir, `${name}.pem`),
  key: path.join(dir, `${name}-key.pem`),
});

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function days(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 36_500)
    fail(`--days must be a whole number of days (1–36500), not "${value}"`);
  return n;
}

const collect = (value: string, previous: string[]) => [...previous, value];

async function write(dir: string, name: string, pair: { certPem: string; keyPem: string }, force: boolean) {
  const target = files(dir, name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const file of [target.cert, target.key]) {
    if (existsSync(file) && !force) fail(`${file} exists; pass --force to replace it`);
  }
  await writeFileAtomic(target.key, pair.keyPem, 0o600);
  await writeFileAtomic(target.cert, pair.certPem, 0o644);
  return target;
}

/** The CA's certificate, and its key when `withKey` (only issuing needs it; it may be kept offline). */
async function readCa(dir: string, withKey: boolean) {
  const ca = files(dir, 'ca');
  if (!existsSync(ca.cert) || (withKey && !existsSync(ca.key))) {
    fail(
      `no CA in ${dir} (${path.basename(ca.cert)}, ${path.basename(ca.key)}); run \`portcullis certs create-ca\` first`,
    );
  }
  return { certPem: await readFile(ca.cert, 'utf8'), keyPem: withKey ? await readFile(ca.key, 'utf8') : '' };
}

/** What is wrong with a node's certificate for its hosts; empty when nothing is. */
export function certificateProblems(
  certPem: string,
  caPem: string,
  hosts: string[],
  now = Date.now(),
): string[] {
  const cert = parseCertificate(certPem, 'the certificate');
  const ca = parseCertificate(caPem, 'the CA certificate');
  const problems: string[] = [];
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey))
    problems.push(`not signed by the CA (${ca.subject.replace(/\n/g, ', ')})`);
  const { subject, dnsNames, ipAddresses, notAfter } = describeCertificate(certPem);
  if (new Date(cert.validFrom).getTime() > now) problems.push(`not valid before ${cert.validFrom}`);
  if (notAfter.getTime() <= now) problems.push(`expired on ${notAfter.toISOString()}`);
  const names = [...dnsNames, ...ipAddresses].join(', ') || 'none';
  for (const host of hosts) {
    if (!certificateCoversHost(certPem, host)) problems.push(`not for ${host} (${subject}; names: ${names})`);
  }
  return problems;
}

export function registerCertsCommands(program: Command): void {
  const certs = program.command('certs').description('make and check the certificates of a deployment');

  certs
    .command('create-ca')
    .description('create the CA every node trusts: <dir>/ca.pem and <dir>/ca-key.pem')
    .option('-d, --dir <dir>', 'directory of the certificates', 'certs')
    .option('--name <name>', 'the CA certificate subject common name', 'Portcullis CA')
    .option('--days <days>', 'validity in days', '3650')
    .option('--force', 'replace an existing CA (every node certificate must then be issued again)')
    .action(async (options: { dir: string; name: string; days: string; force?: boolean }) => {
      const pair = await createCertificateAuthority({
        commonName: options.name,
        validityDays: days(options.days),
      }).catch((err: Error) => fail(`cannot create the CA: ${err.message}`));
      const written = await write(options.dir, 'ca', pair, options.force === true);
      console.log(
        `CA "${options.name}": ${written.cert} (trust this one: http.ca_file), key ${written.key} (keep it offline)`,
      );
    });

  certs
    .command('issue')
    .description(
      "issue a node's certificate, signed by <dir>/ca.pem: <dir>/<name>.pem and <dir>/<name>-key.pem",
    )
    .requiredOption('--name <name>', 'the node (file names)')
    .option(
      '--dns <host>',
      'a DNS name the node is reached at (repeat for more); the first is its CN',
      collect,
      [],
    )
    .option('--ip <address>', 'an IP address the node is reached at (repeat for more)', collect, [])
    .option('-d, --dir <dir>', 'directory of the certificates', 'certs')
    .option('--days <days>', 'validity in days', '825')
    .option('--force', 'replace an existing certificate of this name')
    .action(
      async (options: {
        name: string;
        dns: string[];
        ip: string[];
        dir: string;
        days: string;
        force?: boolean;
      }) => {
        if (!NAME.test(options.name) || RESERVED_NAME.test(options.name)) {
          fail(
            `--name must be letters, digits, '.', '_' or '-', neither "ca" nor ending in "-key" (its files would be another's), not "${options.name}"`,
          );
        }
        if (options.dns.length === 0 && options.ip.length === 0)
          fail("give the node's hosts: --dns <host> and/or --ip <address>");
        const badIp = options.ip.find((ip) => isIP(ip) === 0);
        if (badIp !== undefined) fail(`--ip "${badIp}" is not an IP address`);
        const ipLike = options.dns.find((host) => isIP(host) !== 0);
        if (ipLike !== undefined) fail(`--dns "${ipLike}" is an IP address: give it as --ip`);
        const badDns = options.dns.find((host) => host.length > 253 || !DNS_NAME.test(host));
        if (badDns !== undefined) fail(`--dns "${badDns}" is not a DNS name`);
        const pair = await issueCertificate({
          ca: await readCa(options.dir, true),
          commonName: options.dns[0] ?? (options.ip[0] as string),
          dnsNames: options.dns,
          ipAddresses: options.ip,
          validityDays: days(options.days),
        }).catch((err: Error) => fail(err.message));
        const written = await write(options.dir, options.name, pair, options.force === true);
        console.log(
          `${options.name}: ${written.cert} (http.cert_file), key ${written.key} (http.key_file), for ${[...options.dns, ...options.ip].join(', ')}`,
        );
      },
    );

  certs
    .command('check')
    .description('check node certificates against the CA and the hosts they serve: <name>=<host>[,<host>…] …')
    .argument('<node...>', 'a node certificate (<dir>/<name>.pem) and the hosts it must be valid for')
    .option('-d, --dir <dir>', 'directory of the certificates', 'certs')
    .action(async (nodes: string[], options: { dir: string }) => {
      const ca = await readCa(options.dir, false);
      let wrong = 0;
      for (const spec of nodes) {
        const [name = '', hostList = '', ...extra] = spec.split('=');
        const hosts = hostList.split(',').filter(Boolean);
        if (!NAME.test(name) || hosts.length === 0 || extra.length > 0) {
          fail(`"${spec}" is not <name>=<host>[,<host>…]`);
        }
        const file = files(options.dir, name).cert;
        let problems: string[];
        try {
          problems = existsSync(file)
            ? certificateProblems(await readFile(file, 'utf8'), ca.certPem, hosts)
            : [`no certificate at ${file}`];
        } catch (err) {
          problems = [(err as Error).message];
        }
        if (problems.length > 0) {
          wrong += 1;
          for (const problem of problems) console.log(`WRONG ${name}: ${problem}`);
          continue;
        }
        const left = Math.ceil(
          (describeCertificate(await readFile(file, 'utf8')).notAfter.getTime() - Date.now()) / DAY_MS,
        );
        console.log(
          `ok    ${name}: valid for ${hosts.join(', ')}${left < WARN_DAYS ? ` (expires in ${left} days: issue it again soon)` : ''}`,
        );
      }
      if (wrong > 0) fail(`${wrong} of ${nodes.length} node certificates are wrong`);
    });
}
