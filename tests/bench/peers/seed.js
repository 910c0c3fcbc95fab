// The architecture of sipgate's Node.js "incoming call" example: Express
// decodes the form, the event is appended to a log, an empty 200 answers.
// usage: PORT=... LOG=... node seed.js
const express = require('express');
const fs = require('fs');

const log = fs.createWriteStream(process.env.LOG, { flags: 'a' });
const app = express();
app.use(express.urlencoded({ extended: true }));
app.post('/sipgate', (req, res) => {
  log.write(JSON.stringify({ received: new Date().toISOString(), params: req.body }) + '\n');
  res.status(200).end();
});
app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
