-- One database per service, owned by the `inventory` role that the postgres image creates from
-- POSTGRES_USER (development only; see deploy/k8s/README.md for production). Runs once, on an
-- empty data directory.
CREATE DATABASE stock_ledger OWNER inventory;
CREATE DATABASE reservation OWNER inventory;
CREATE DATABASE replenishment OWNER inventory;
CREATE DATABASE approval OWNER inventory;
CREATE DATABASE alerting OWNER inventory;
CREATE DATABASE integration_gateway OWNER inventory;
