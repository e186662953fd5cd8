-- A stand-in aggregator database for docker compose; `wif seed-demo` creates its tables and fills it.
CREATE DATABASE aggregator;
