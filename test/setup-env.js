// Every rule must work in Europe/Paris whatever the host zone: run the tests in UTC to prove it.
process.env.TZ = 'UTC';
require('reflect-metadata');
