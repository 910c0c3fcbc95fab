// The same server verifying sipgate's signature with node:crypto (OpenSSL)
// over the raw body before it decodes and logs it, and answering XML.
// usage: PORT=... LOG=... KEY=sipgate-push.pem node verify.js
const crypto = require('crypto');
const express = require('express');
const fs = require('fs');

const key = crypto.createPublicKey(fs.readFileSync(process.env.KEY));
const log = fs.createWriteStream(process.env.LOG, { flags: 'a' });
const app = express();
app.post('/sipgate', express.raw({ type: 'application/x-www-form-urlencoded', limit: '64kb' }), (req, res) => {
  const sig = req.get('X-Sipgate-Signature');
  if (!sig || !Buffer.isBuffer(req.body) ||
      !crypto.verify('sha256', req.body, key, Buffer.from(sig, 'base64'))) {
    res.status(403).end();
    return;
  }
  const params = Object.fromEntries(new URLSearchParams(req.body.toString('utf8')));
  log.write(JSON.stringify({ received: new Date().toISOString(), signature: 'valid', params }) + '\n');
  res.status(200).type('application/xml').send('<?xml version="1.0" encoding="UTF-8"?>\n<Response/>\n');
});
app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
