DROP TABLE token_exchanges;
